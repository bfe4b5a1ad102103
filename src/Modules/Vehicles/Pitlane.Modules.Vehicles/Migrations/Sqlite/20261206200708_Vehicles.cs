using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Vehicles.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Vehicles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "vehicles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Vin = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    ModelYear = table.Column<int>(type: "INTEGER", nullable: true),
                    Make = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    Manufacturer = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    Model = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    Trim = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    BodyClass = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    Engine = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    FuelType = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    Country = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    PlantCountry = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    DecodeSource = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    OdometerKm = table.Column<int>(type: "INTEGER", nullable: true),
                    Plate = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Nickname = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vehicles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vehicles_vin_decode_cache",
                columns: table => new
                {
                    Vin = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    FetchedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vehicles_vin_decode_cache", x => x.Vin);
                });

            migrationBuilder.CreateIndex(
                name: "IX_vehicles_OrganizationId_Vin",
                table: "vehicles",
                columns: new[] { "OrganizationId", "Vin" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "vehicles");

            migrationBuilder.DropTable(
                name: "vehicles_vin_decode_cache");
        }
    }
}
