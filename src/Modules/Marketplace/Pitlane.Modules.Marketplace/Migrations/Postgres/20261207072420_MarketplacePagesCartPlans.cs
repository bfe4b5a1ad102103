using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Marketplace.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MarketplacePagesCartPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "CheckoutId",
                table: "market_orders",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EvidencePhotoIds",
                table: "market_orders",
                type: "character varying(400)",
                maxLength: 400,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "FeeBasisPoints",
                table: "market_orders",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "RatedAt",
                table: "market_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Rating",
                table: "market_orders",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RatingComment",
                table: "market_orders",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PhotoIds",
                table: "market_listings",
                type: "character varying(400)",
                maxLength: 400,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "market_cart_items",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    ListingId = table.Column<Guid>(type: "uuid", nullable: false),
                    Quantity = table.Column<int>(type: "integer", nullable: false),
                    ShippingOption = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    AddedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_cart_items", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_market_orders_SellerOrganizationId_RatedAt",
                table: "market_orders",
                columns: new[] { "SellerOrganizationId", "RatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_market_cart_items_OrganizationId_UserId_ListingId",
                table: "market_cart_items",
                columns: new[] { "OrganizationId", "UserId", "ListingId" },
                unique: true);

            // Full-text index: a GIN expression index over the 'english' tsvector that ListingSearch queries.
            migrationBuilder.Sql("""CREATE INDEX "IX_market_listings_fts" ON market_listings USING GIN (to_tsvector('english', "SearchText"));""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_market_listings_fts";""");
            migrationBuilder.DropTable(
                name: "market_cart_items");

            migrationBuilder.DropIndex(
                name: "IX_market_orders_SellerOrganizationId_RatedAt",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "CheckoutId",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "EvidencePhotoIds",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "FeeBasisPoints",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "RatedAt",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "Rating",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "RatingComment",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "PhotoIds",
                table: "market_listings");
        }
    }
}
