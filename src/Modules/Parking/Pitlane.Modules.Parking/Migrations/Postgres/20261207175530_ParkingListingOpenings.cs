using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Parking.Migrations.Postgres
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
                type: "character varying(4200)",
                maxLength: 4200,
                nullable: false,
                defaultValue: "");

            // Existing spots: their weekly rules packed as Availability.Pack does ("day:start:end,...").
            migrationBuilder.Sql(
                "UPDATE parking_listings l SET \"Openings\" = COALESCE((SELECT string_agg(concat(r.\"Day\", ':', r.\"StartMinute\", ':', r.\"EndMinute\"), ',' ORDER BY r.\"Day\", r.\"StartMinute\", r.\"EndMinute\") " +
                "FROM parking_availability_rules r WHERE r.\"ListingId\" = l.\"Id\"), '');");
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
