using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Shop.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 60,
                nullable: false,
                defaultValue: "UTC");

            migrationBuilder.AddColumn<string>(
                name: "CalendarFeedHash",
                table: "shop_bays",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "shop_loaners",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Plate = table.Column<string>(type: "TEXT", maxLength: 15, nullable: false),
                    OdometerKm = table.Column<int>(type: "INTEGER", nullable: false),
                    FuelEighths = table.Column<int>(type: "INTEGER", nullable: false),
                    Retired = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_loaners", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shop_vehicle_checks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    OdometerKm = table.Column<int>(type: "INTEGER", nullable: false),
                    FuelEighths = table.Column<int>(type: "INTEGER", nullable: false),
                    KeyTag = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    PhotoIds = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_vehicle_checks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shop_loaner_agreements",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LoanerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    StartsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    OdometerOutKm = table.Column<int>(type: "INTEGER", nullable: false),
                    FuelOutEighths = table.Column<int>(type: "INTEGER", nullable: false),
                    DamageOut = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    OdometerInKm = table.Column<int>(type: "INTEGER", nullable: true),
                    FuelInEighths = table.Column<int>(type: "INTEGER", nullable: true),
                    DamageIn = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ReturnedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
