using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Studio.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Studio : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "studio_photos",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OriginalMediaId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CutoutMediaId = table.Column<Guid>(type: "TEXT", nullable: true),
                    MaskMediaId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Width = table.Column<int>(type: "INTEGER", nullable: true),
                    Height = table.Column<int>(type: "INTEGER", nullable: true),
                    Timings = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    BackdropKind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    BackdropTop = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    BackdropBottom = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_studio_photos", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "studio_projects",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PriceMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Tone = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Audience = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Highlights = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Disclosure = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Generator = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SubmittedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    PublishedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    PublishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_studio_projects", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "studio_pieces",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Platform = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_studio_pieces", x => x.Id);
                    table.ForeignKey(
                        name: "FK_studio_pieces_studio_projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "studio_projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_studio_photos_OrganizationId_VehicleId",
                table: "studio_photos",
                columns: new[] { "OrganizationId", "VehicleId" });

            migrationBuilder.CreateIndex(
                name: "IX_studio_pieces_ProjectId_Platform",
                table: "studio_pieces",
                columns: new[] { "ProjectId", "Platform" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_studio_projects_OrganizationId_VehicleId",
                table: "studio_projects",
                columns: new[] { "OrganizationId", "VehicleId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "studio_photos");

            migrationBuilder.DropTable(
                name: "studio_pieces");

            migrationBuilder.DropTable(
                name: "studio_projects");
        }
    }
}
