using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Parking.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ParkingTesla : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "NextPollAt",
                table: "parking_bookings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PollFailures",
                table: "parking_bookings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "TeslaVin",
                table: "parking_bookings",
                type: "TEXT",
                maxLength: 17,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "parking_tesla_accounts",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProtectedAccessToken = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    ProtectedRefreshToken = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ApiBaseUrl = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    PendingState = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PendingVerifier = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ConnectedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parking_tesla_accounts", x => x.UserId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_parking_bookings_NextPollAt",
                table: "parking_bookings",
                column: "NextPollAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "parking_tesla_accounts");

            migrationBuilder.DropIndex(
                name: "IX_parking_bookings_NextPollAt",
                table: "parking_bookings");

            migrationBuilder.DropColumn(
                name: "NextPollAt",
                table: "parking_bookings");

            migrationBuilder.DropColumn(
                name: "PollFailures",
                table: "parking_bookings");

            migrationBuilder.DropColumn(
                name: "TeslaVin",
                table: "parking_bookings");
        }
    }
}
