using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Marketplace.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Marketplace : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "market_listings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SellerOrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PartNumber = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Brand = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Condition = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SerialNumber = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Price = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    SearchText = table.Column<string>(type: "TEXT", maxLength: 4500, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_listings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "market_log_checkpoints",
                columns: table => new
                {
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    RootHash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_log_checkpoints", x => x.Size);
                });

            migrationBuilder.CreateTable(
                name: "market_log_entries",
                columns: table => new
                {
                    Index = table.Column<long>(type: "INTEGER", nullable: false),
                    Serial = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Data = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_log_entries", x => x.Index);
                });

            migrationBuilder.CreateTable(
                name: "market_log_keys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    PrivateKey = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_log_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "market_log_tiles",
                columns: table => new
                {
                    Level = table.Column<int>(type: "INTEGER", nullable: false),
                    TileIndex = table.Column<long>(type: "INTEGER", nullable: false),
                    Hashes = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_log_tiles", x => new { x.Level, x.TileIndex });
                });

            migrationBuilder.CreateTable(
                name: "market_orders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    BuyerOrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BuyerUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SellerOrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ListingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SerialNumber = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemsAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    ShippingAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    Total = table.Column<long>(type: "INTEGER", nullable: false),
                    PlatformFee = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    ShippingOption = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PaymentIntentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Tracking = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    DisputeReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ShippedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ReleaseDueAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_orders", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "market_listing_fitments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ListingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    YearFrom = table.Column<int>(type: "INTEGER", nullable: false),
                    YearTo = table.Column<int>(type: "INTEGER", nullable: false),
                    Make = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    MakeKey = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    ModelKey = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Engine = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_listing_fitments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_market_listing_fitments_market_listings_ListingId",
                        column: x => x.ListingId,
                        principalTable: "market_listings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "market_listing_shipping",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ListingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Price = table.Column<long>(type: "INTEGER", nullable: false),
                    Days = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_listing_shipping", x => x.Id);
                    table.ForeignKey(
                        name: "FK_market_listing_shipping_market_listings_ListingId",
                        column: x => x.ListingId,
                        principalTable: "market_listings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_market_listing_fitments_ListingId",
                table: "market_listing_fitments",
                column: "ListingId");

            migrationBuilder.CreateIndex(
                name: "IX_market_listing_fitments_MakeKey_YearFrom_YearTo",
                table: "market_listing_fitments",
                columns: new[] { "MakeKey", "YearFrom", "YearTo" });

            migrationBuilder.CreateIndex(
                name: "IX_market_listing_shipping_ListingId",
                table: "market_listing_shipping",
                column: "ListingId");

            migrationBuilder.CreateIndex(
                name: "IX_market_listings_Active_CreatedAt",
                table: "market_listings",
                columns: new[] { "Active", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_market_listings_SellerOrganizationId",
                table: "market_listings",
                column: "SellerOrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_market_log_entries_Serial",
                table: "market_log_entries",
                column: "Serial");

            migrationBuilder.CreateIndex(
                name: "IX_market_orders_BuyerOrganizationId_CreatedAt",
                table: "market_orders",
                columns: new[] { "BuyerOrganizationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_market_orders_SellerOrganizationId_CreatedAt",
                table: "market_orders",
                columns: new[] { "SellerOrganizationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_market_orders_Status_ReleaseDueAt",
                table: "market_orders",
                columns: new[] { "Status", "ReleaseDueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "market_listing_fitments");

            migrationBuilder.DropTable(
                name: "market_listing_shipping");

            migrationBuilder.DropTable(
                name: "market_log_checkpoints");

            migrationBuilder.DropTable(
                name: "market_log_entries");

            migrationBuilder.DropTable(
                name: "market_log_keys");

            migrationBuilder.DropTable(
                name: "market_log_tiles");

            migrationBuilder.DropTable(
                name: "market_orders");

            migrationBuilder.DropTable(
                name: "market_listings");
        }
    }
}
