using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Parking.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ParkingPhotosSettling : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "CoverPhotoId",
                table: "parking_listings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SettlingSince",
                table: "parking_bookings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SettlingToken",
                table: "parking_bookings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "parking_listing_photos",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ListingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MediaId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parking_listing_photos", x => x.Id);
                    table.ForeignKey(
                        name: "FK_parking_listing_photos_parking_listings_ListingId",
                        column: x => x.ListingId,
                        principalTable: "parking_listings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_parking_listing_photos_ListingId_MediaId",
                table: "parking_listing_photos",
                columns: new[] { "ListingId", "MediaId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "parking_listing_photos");

            migrationBuilder.DropColumn(
                name: "SettlingSince",
                table: "parking_bookings");

            migrationBuilder.DropColumn(
                name: "SettlingToken",
                table: "parking_bookings");

            migrationBuilder.DropColumn(
                name: "CoverPhotoId",
                table: "parking_listings");

        }
    }
}
