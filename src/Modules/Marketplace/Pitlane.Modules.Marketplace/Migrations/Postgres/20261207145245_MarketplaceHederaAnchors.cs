using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Marketplace.Migrations.Postgres
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
                    CheckpointSize = table.Column<long>(type: "bigint", nullable: false),
                    TopicId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Message = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    TransactionId = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    LastError = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SubmittedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SequenceNumber = table.Column<long>(type: "bigint", nullable: true),
                    ConsensusTimestamp = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    RunningHash = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ConfirmedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
