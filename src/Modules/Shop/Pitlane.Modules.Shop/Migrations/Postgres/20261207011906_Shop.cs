using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Shop.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    EntityType = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    EntityId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Field = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Before = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    After = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_audit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shop_bays",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    HasLift = table.Column<bool>(type: "boolean", nullable: false),
                    HasAlignment = table.Column<bool>(type: "boolean", nullable: false),
                    HasEvCharger = table.Column<bool>(type: "boolean", nullable: false),
                    OpensAtMinute = table.Column<int>(type: "integer", nullable: false),
                    ClosesAtMinute = table.Column<int>(type: "integer", nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_bays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shop_canned_jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Definition = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_canned_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shop_customers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Phone = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    PreferredContact = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SmsConsent = table.Column<bool>(type: "boolean", nullable: false),
                    SmsConsentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SmsConsentSource = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    EmailConsent = table.Column<bool>(type: "boolean", nullable: false),
                    EmailConsentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EmailConsentSource = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ExternalRef = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    SearchName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SearchEmail = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    PhoneDigits = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_customers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shop_settings",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    LaborTaxBps = table.Column<int>(type: "integer", nullable: false),
                    PartsTaxBps = table.Column<int>(type: "integer", nullable: false),
                    FeesTaxBps = table.Column<int>(type: "integer", nullable: false),
                    LaborRates = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    MarkupMatrix = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_settings", x => x.OrganizationId);
                });

            migrationBuilder.CreateTable(
                name: "shop_bay_bookings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    BayId = table.Column<Guid>(type: "uuid", nullable: false),
                    StartsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "uuid", nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    VehicleId = table.Column<Guid>(type: "uuid", nullable: false),
                    Vin = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    LinkedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    VehicleId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    LaborTaxBps = table.Column<int>(type: "integer", nullable: false),
                    PartsTaxBps = table.Column<int>(type: "integer", nullable: false),
                    FeesTaxBps = table.Column<int>(type: "integer", nullable: false),
                    OdometerInKm = table.Column<int>(type: "integer", nullable: true),
                    TechnicianId = table.Column<Guid>(type: "uuid", nullable: true),
                    BayId = table.Column<Guid>(type: "uuid", nullable: true),
                    InvoiceNumber = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    InvoicedTotal = table.Column<long>(type: "bigint", nullable: true),
                    InvoicedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PaidAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PaymentIntentId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    IssuedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    IssuedBy = table.Column<Guid>(type: "uuid", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Concern = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Cause = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Correction = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    Method = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    PaymentIntentId = table.Column<Guid>(type: "uuid", nullable: true),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RecordedBy = table.Column<Guid>(type: "uuid", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Description = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    PartNumber = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    LaborCategory = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    QuantityHundredths = table.Column<int>(type: "integer", nullable: false),
                    UnitPrice = table.Column<long>(type: "bigint", nullable: false),
                    UnitCost = table.Column<long>(type: "bigint", nullable: false),
                    CoreCharge = table.Column<long>(type: "bigint", nullable: false),
                    DiscountBps = table.Column<int>(type: "integer", nullable: false),
                    AppliesTo = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Extended = table.Column<long>(type: "bigint", nullable: false),
                    ExtendedCore = table.Column<long>(type: "bigint", nullable: false),
                    ExtendedCost = table.Column<long>(type: "bigint", nullable: false)
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

            // No two live bookings of one bay overlap, whatever the concurrency: a GiST exclusion constraint on the
            // half-open range [StartsAt, EndsAt). btree_gist gives GiST the uuid equality the constraint also needs.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS btree_gist;");
            migrationBuilder.Sql(
                "ALTER TABLE shop_bay_bookings ADD CONSTRAINT " + ShopDbContext.NoOverlapConstraint + " EXCLUDE USING gist " +
                "(\"BayId\" WITH =, tstzrange(\"StartsAt\", \"EndsAt\", '[)') WITH &&) WHERE (\"Status\" <> 'Cancelled');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE shop_bay_bookings DROP CONSTRAINT IF EXISTS " + ShopDbContext.NoOverlapConstraint + ";");

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
