using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Shop.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PorterLoanersFeeds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TimeZone",
                table: "shop_settings",
                type: "character varying(60)",
                maxLength: 60,
                nullable: false,
                defaultValue: "UTC");

            migrationBuilder.AddColumn<string>(
                name: "CalendarFeedHash",
                table: "shop_bays",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "shop_loaners",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Plate = table.Column<string>(type: "character varying(15)", maxLength: 15, nullable: false),
                    OdometerKm = table.Column<int>(type: "integer", nullable: false),
                    FuelEighths = table.Column<int>(type: "integer", nullable: false),
                    Retired = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_loaners", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shop_vehicle_checks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    VehicleId = table.Column<Guid>(type: "uuid", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "uuid", nullable: true),
                    Direction = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    OdometerKm = table.Column<int>(type: "integer", nullable: false),
                    FuelEighths = table.Column<int>(type: "integer", nullable: false),
                    KeyTag = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Notes = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    PhotoIds = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_vehicle_checks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shop_loaner_agreements",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    LoanerId = table.Column<Guid>(type: "uuid", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "uuid", nullable: true),
                    StartsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    OdometerOutKm = table.Column<int>(type: "integer", nullable: false),
                    FuelOutEighths = table.Column<int>(type: "integer", nullable: false),
                    DamageOut = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    OdometerInKm = table.Column<int>(type: "integer", nullable: true),
                    FuelInEighths = table.Column<int>(type: "integer", nullable: true),
                    DamageIn = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ReturnedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CreatedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_loaner_agreements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_shop_loaner_agreements_shop_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "shop_customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_shop_loaner_agreements_shop_loaners_LoanerId",
                        column: x => x.LoanerId,
                        principalTable: "shop_loaners",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_shop_loaner_agreements_CustomerId",
                table: "shop_loaner_agreements",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_shop_loaner_agreements_LoanerId_StartsAt",
                table: "shop_loaner_agreements",
                columns: new[] { "LoanerId", "StartsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_shop_loaner_agreements_OrganizationId_StartsAt",
                table: "shop_loaner_agreements",
                columns: new[] { "OrganizationId", "StartsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_shop_loaners_OrganizationId_Name",
                table: "shop_loaners",
                columns: new[] { "OrganizationId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_shop_vehicle_checks_OrganizationId_RepairOrderId",
                table: "shop_vehicle_checks",
                columns: new[] { "OrganizationId", "RepairOrderId" });

            migrationBuilder.CreateIndex(
                name: "IX_shop_vehicle_checks_OrganizationId_VehicleId_At",
                table: "shop_vehicle_checks",
                columns: new[] { "OrganizationId", "VehicleId", "At" });

            // No loaner lent twice for overlapping periods, whatever the concurrency (as for bay bookings).
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS btree_gist;");
            migrationBuilder.Sql(
                "ALTER TABLE shop_loaner_agreements ADD CONSTRAINT " + ShopDbContext.NoLoanerOverlapConstraint + " EXCLUDE USING gist " +
                "(\"LoanerId\" WITH =, tstzrange(\"StartsAt\", \"EndsAt\", '[)') WITH &&) WHERE (\"Status\" <> 'Cancelled');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE shop_loaner_agreements DROP CONSTRAINT IF EXISTS " + ShopDbContext.NoLoanerOverlapConstraint + ";");
            migrationBuilder.DropTable(
                name: "shop_loaner_agreements");

            migrationBuilder.DropTable(
                name: "shop_vehicle_checks");

            migrationBuilder.DropTable(
                name: "shop_loaners");

            migrationBuilder.DropColumn(
                name: "TimeZone",
                table: "shop_settings");

            migrationBuilder.DropColumn(
                name: "CalendarFeedHash",
                table: "shop_bays");
        }
    }
}
