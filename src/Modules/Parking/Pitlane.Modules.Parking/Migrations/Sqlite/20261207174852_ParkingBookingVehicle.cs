using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Parking.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ParkingBookingVehicle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "FollowedVehicleId",
                table: "parking_bookings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "VehicleFixAt",
                table: "parking_bookings",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FollowedVehicleId",
                table: "parking_bookings");

            migrationBuilder.DropColumn(
                name: "VehicleFixAt",
                table: "parking_bookings");
        }
    }
}
