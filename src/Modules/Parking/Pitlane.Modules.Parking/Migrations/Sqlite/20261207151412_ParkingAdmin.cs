using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Parking.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ParkingAdmin : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "SuspendedAt",
                table: "parking_listings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SuspensionReason",
                table: "parking_listings",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DisputeReason",
                table: "parking_bookings",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DisputeResolution",
                table: "parking_bookings",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DisputeResolvedAt",
                table: "parking_bookings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DisputedAt",
                table: "parking_bookings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DisputedBy",
                table: "parking_bookings",
                type: "TEXT",
                maxLength: 10,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SuspendedAt",
                table: "parking_listings");

            migrationBuilder.DropColumn(
                name: "SuspensionReason",
                table: "parking_listings");

            migrationBuilder.DropColumn(
                name: "DisputeReason",
                table: "parking_bookings");

            migrationBuilder.DropColumn(
                name: "DisputeResolution",
                table: "parking_bookings");

            migrationBuilder.DropColumn(
                name: "DisputeResolvedAt",
                table: "parking_bookings");

            migrationBuilder.DropColumn(
                name: "DisputedAt",
                table: "parking_bookings");

            migrationBuilder.DropColumn(
                name: "DisputedBy",
                table: "parking_bookings");
        }
    }
}
