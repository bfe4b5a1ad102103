using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Platform.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Kiosks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "KioskId",
                table: "diag_scans",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "diag_kiosks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    AdapterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PairingCodeHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    PairingExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SecretHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    PairedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_diag_kiosks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_diag_kiosks_diag_adapters_AdapterId",
                        column: x => x.AdapterId,
                        principalTable: "diag_adapters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_diag_kiosks_org_organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "org_organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_diag_kiosks_AdapterId",
                table: "diag_kiosks",
                column: "AdapterId");

            migrationBuilder.CreateIndex(
                name: "IX_diag_kiosks_OrganizationId_Name",
                table: "diag_kiosks",
                columns: new[] { "OrganizationId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_diag_kiosks_PairingCodeHash",
                table: "diag_kiosks",
                column: "PairingCodeHash");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "diag_kiosks");

            migrationBuilder.DropColumn(
                name: "KioskId",
                table: "diag_scans");
        }
    }
}
