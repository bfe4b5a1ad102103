using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Parking.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ParkingListingOpenings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Openings",
                table: "parking_listings",
                type: "TEXT",
                maxLength: 4200,
                nullable: false,
                defaultValue: "");

            // Existing spots: their weekly rules packed as Availability.Pack does ("day:start:end,...").
            migrationBuilder.Sql(
                "UPDATE parking_listings SET \"Openings\" = COALESCE((SELECT group_concat(r.\"Day\" || ':' || r.\"StartMinute\" || ':' || r.\"EndMinute\", ',') " +
                "FROM parking_availability_rules r WHERE r.\"ListingId\" = parking_listings.\"Id\"), '');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Openings",
                table: "parking_listings");
        }
    }
}
