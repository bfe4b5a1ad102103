using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Parking.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SuspensionReason",
                table: "parking_listings",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DisputeReason",
                table: "parking_bookings",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DisputeResolution",
                table: "parking_bookings",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DisputeResolvedAt",
                table: "parking_bookings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DisputedAt",
                table: "parking_bookings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DisputedBy",
                table: "parking_bookings",
                type: "character varying(10)",
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
