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
                "UPDATE parking_listings SET \"Openings\" = COALESCE((SELECT group_concat(o.rule, ',') FROM (SELECT r.\"Day\" || ':' || r.\"StartMinute\" || ':' || r.\"EndMinute\" AS rule " +
                "FROM parking_availability_rules r WHERE r.\"ListingId\" = parking_listings.\"Id\" ORDER BY r.\"Day\", r.\"StartMinute\", r.\"EndMinute\") o), '');");
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
