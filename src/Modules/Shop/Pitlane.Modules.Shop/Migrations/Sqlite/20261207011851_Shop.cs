using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Shop.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Shop : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "shop_audit",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EntityType = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    EntityId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Field = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Before = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    After = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_audit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shop_bays",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    HasLift = table.Column<bool>(type: "INTEGER", nullable: false),
                    HasAlignment = table.Column<bool>(type: "INTEGER", nullable: false),
                    HasEvCharger = table.Column<bool>(type: "INTEGER", nullable: false),
                    OpensAtMinute = table.Column<int>(type: "INTEGER", nullable: false),
                    ClosesAtMinute = table.Column<int>(type: "INTEGER", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_bays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shop_canned_jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Definition = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_canned_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shop_customers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    PreferredContact = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SmsConsent = table.Column<bool>(type: "INTEGER", nullable: false),
                    SmsConsentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SmsConsentSource = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    EmailConsent = table.Column<bool>(type: "INTEGER", nullable: false),
                    EmailConsentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EmailConsentSource = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ExternalRef = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    SearchName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SearchEmail = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    PhoneDigits = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_customers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shop_settings",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    LaborTaxBps = table.Column<int>(type: "INTEGER", nullable: false),
                    PartsTaxBps = table.Column<int>(type: "INTEGER", nullable: false),
                    FeesTaxBps = table.Column<int>(type: "INTEGER", nullable: false),
                    LaborRates = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    MarkupMatrix = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_settings", x => x.OrganizationId);
                });

            migrationBuilder.CreateTable(
                name: "shop_bay_bookings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BayId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StartsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CreatedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_bay_bookings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_shop_bay_bookings_shop_bays_BayId",
                        column: x => x.BayId,
                        principalTable: "shop_bays",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "shop_customer_vehicles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Vin = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    LinkedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_customer_vehicles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_shop_customer_vehicles_shop_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "shop_customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "shop_repair_orders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    LaborTaxBps = table.Column<int>(type: "INTEGER", nullable: false),
                    PartsTaxBps = table.Column<int>(type: "INTEGER", nullable: false),
                    FeesTaxBps = table.Column<int>(type: "INTEGER", nullable: false),
                    OdometerInKm = table.Column<int>(type: "INTEGER", nullable: true),
                    TechnicianId = table.Column<Guid>(type: "TEXT", nullable: true),
                    BayId = table.Column<Guid>(type: "TEXT", nullable: true),
                    InvoiceNumber = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    InvoicedTotal = table.Column<long>(type: "INTEGER", nullable: true),
                    InvoicedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PaidAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PaymentIntentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_repair_orders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_shop_repair_orders_shop_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "shop_customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "shop_credit_notes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    IssuedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    IssuedBy = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_credit_notes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_shop_credit_notes_shop_repair_orders_RepairOrderId",
                        column: x => x.RepairOrderId,
                        principalTable: "shop_repair_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "shop_ro_jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Concern = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Cause = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Correction = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_ro_jobs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_shop_ro_jobs_shop_repair_orders_RepairOrderId",
                        column: x => x.RepairOrderId,
                        principalTable: "shop_repair_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "shop_ro_payments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    PaymentIntentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RecordedBy = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_ro_payments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_shop_ro_payments_shop_repair_orders_RepairOrderId",
                        column: x => x.RepairOrderId,
                        principalTable: "shop_repair_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "shop_ro_lines",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    PartNumber = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    LaborCategory = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    QuantityHundredths = table.Column<int>(type: "INTEGER", nullable: false),
                    UnitPrice = table.Column<long>(type: "INTEGER", nullable: false),
                    UnitCost = table.Column<long>(type: "INTEGER", nullable: false),
                    CoreCharge = table.Column<long>(type: "INTEGER", nullable: false),
                    DiscountBps = table.Column<int>(type: "INTEGER", nullable: false),
                    AppliesTo = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Extended = table.Column<long>(type: "INTEGER", nullable: false),
                    ExtendedCore = table.Column<long>(type: "INTEGER", nullable: false),
                    ExtendedCost = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_ro_lines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_shop_ro_lines_shop_ro_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "shop_ro_jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_shop_audit_OrganizationId_EntityType_EntityId_At",
                table: "shop_audit",
                columns: new[] { "OrganizationId", "EntityType", "EntityId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_shop_bay_bookings_BayId_StartsAt",
                table: "shop_bay_bookings",
                columns: new[] { "BayId", "StartsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_shop_bay_bookings_OrganizationId_StartsAt",
                table: "shop_bay_bookings",
                columns: new[] { "OrganizationId", "StartsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_shop_bays_OrganizationId_Name",
                table: "shop_bays",
                columns: new[] { "OrganizationId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_shop_canned_jobs_OrganizationId_Name",
                table: "shop_canned_jobs",
                columns: new[] { "OrganizationId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_shop_credit_notes_RepairOrderId",
                table: "shop_credit_notes",
                column: "RepairOrderId");

            migrationBuilder.CreateIndex(
                name: "IX_shop_customer_vehicles_CustomerId_VehicleId",
                table: "shop_customer_vehicles",
                columns: new[] { "CustomerId", "VehicleId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_shop_customer_vehicles_OrganizationId_VehicleId",
                table: "shop_customer_vehicles",
                columns: new[] { "OrganizationId", "VehicleId" });

            migrationBuilder.CreateIndex(
                name: "IX_shop_customers_OrganizationId_ExternalRef",
                table: "shop_customers",
                columns: new[] { "OrganizationId", "ExternalRef" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_shop_customers_OrganizationId_SearchName",
                table: "shop_customers",
                columns: new[] { "OrganizationId", "SearchName" });

            migrationBuilder.CreateIndex(
                name: "IX_shop_repair_orders_CustomerId",
                table: "shop_repair_orders",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_shop_repair_orders_OrganizationId_CustomerId",
                table: "shop_repair_orders",
                columns: new[] { "OrganizationId", "CustomerId" });

            migrationBuilder.CreateIndex(
                name: "IX_shop_repair_orders_OrganizationId_Number",
                table: "shop_repair_orders",
                columns: new[] { "OrganizationId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_shop_repair_orders_OrganizationId_Status",
                table: "shop_repair_orders",
                columns: new[] { "OrganizationId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_shop_ro_jobs_RepairOrderId",
                table: "shop_ro_jobs",
                column: "RepairOrderId");

            migrationBuilder.CreateIndex(
                name: "IX_shop_ro_lines_JobId",
                table: "shop_ro_lines",
                column: "JobId");

            migrationBuilder.CreateIndex(
                name: "IX_shop_ro_payments_PaymentIntentId",
                table: "shop_ro_payments",
                column: "PaymentIntentId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_shop_ro_payments_RepairOrderId",
                table: "shop_ro_payments",
                column: "RepairOrderId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "shop_audit");

            migrationBuilder.DropTable(
                name: "shop_bay_bookings");

            migrationBuilder.DropTable(
                name: "shop_canned_jobs");

            migrationBuilder.DropTable(
                name: "shop_credit_notes");

            migrationBuilder.DropTable(
                name: "shop_customer_vehicles");

            migrationBuilder.DropTable(
                name: "shop_ro_lines");

            migrationBuilder.DropTable(
                name: "shop_ro_payments");

            migrationBuilder.DropTable(
                name: "shop_settings");

            migrationBuilder.DropTable(
                name: "shop_bays");

            migrationBuilder.DropTable(
                name: "shop_ro_jobs");

            migrationBuilder.DropTable(
                name: "shop_repair_orders");

            migrationBuilder.DropTable(
                name: "shop_customers");
        }
    }
}
