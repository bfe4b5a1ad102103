using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Marketplace.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MarketplaceHederaAnchors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "market_log_anchors",
                columns: table => new
                {
                    CheckpointSize = table.Column<long>(type: "INTEGER", nullable: false),
                    TopicId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    TransactionId = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SubmittedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SequenceNumber = table.Column<long>(type: "INTEGER", nullable: true),
                    ConsensusTimestamp = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    RunningHash = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ConfirmedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_log_anchors", x => x.CheckpointSize);
                });

            migrationBuilder.CreateIndex(
                name: "IX_market_log_anchors_Status_NextAttemptAt",
                table: "market_log_anchors",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_market_log_anchors_TopicId_SequenceNumber",
                table: "market_log_anchors",
                columns: new[] { "TopicId", "SequenceNumber" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "market_log_anchors");
        }
    }
}
