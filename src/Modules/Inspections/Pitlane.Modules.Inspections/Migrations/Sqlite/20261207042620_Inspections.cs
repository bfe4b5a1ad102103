using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Inspections.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Inspections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inspections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TemplateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TemplateName = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CreatedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ShareVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    ShareExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SharedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    NarrationText = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    NarrationSource = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    NarrationMediaId = table.Column<Guid>(type: "TEXT", nullable: true),
                    NarrationJobId = table.Column<Guid>(type: "TEXT", nullable: true),
                    NarrationError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inspections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inspections_approval_decisions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InspectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Approved = table.Column<bool>(type: "INTEGER", nullable: false),
                    SignedName = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    IpAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LinkVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inspections_approval_decisions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inspections_templates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    IsDefault = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inspections_templates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inspections_items",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    InspectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Section = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Measurement = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    JobTitle = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    JobHours = table.Column<decimal>(type: "TEXT", precision: 6, scale: 2, nullable: false),
                    Rating = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    MeasuredValue = table.Column<decimal>(type: "TEXT", precision: 8, scale: 2, nullable: true),
                    ProposedJobId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inspections_items", x => x.Id);
                    table.ForeignKey(
                        name: "FK_inspections_items_inspections_InspectionId",
                        column: x => x.InspectionId,
                        principalTable: "inspections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "inspections_template_items",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TemplateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Section = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Measurement = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    JobTitle = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    JobHours = table.Column<decimal>(type: "TEXT", precision: 6, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inspections_template_items", x => x.Id);
                    table.ForeignKey(
                        name: "FK_inspections_template_items_inspections_templates_TemplateId",
                        column: x => x.TemplateId,
                        principalTable: "inspections_templates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "inspections_media",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InspectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ItemId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IsVideo = table.Column<bool>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    OriginalMediaId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VideoMediaId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PosterMediaId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PreviewMediaId = table.Column<Guid>(type: "TEXT", nullable: true),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DurationSeconds = table.Column<double>(type: "REAL", nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inspections_media", x => x.Id);
                    table.ForeignKey(
                        name: "FK_inspections_media_inspections_items_ItemId",
                        column: x => x.ItemId,
                        principalTable: "inspections_items",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_inspections_OrganizationId_RepairOrderId",
                table: "inspections",
                columns: new[] { "OrganizationId", "RepairOrderId" });

            migrationBuilder.CreateIndex(
                name: "IX_inspections_approval_decisions_InspectionId_DecidedAt",
                table: "inspections_approval_decisions",
                columns: new[] { "InspectionId", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_inspections_items_InspectionId",
                table: "inspections_items",
                column: "InspectionId");

            migrationBuilder.CreateIndex(
                name: "IX_inspections_media_InspectionId",
                table: "inspections_media",
                column: "InspectionId");

            migrationBuilder.CreateIndex(
                name: "IX_inspections_media_ItemId",
                table: "inspections_media",
                column: "ItemId");

            migrationBuilder.CreateIndex(
                name: "IX_inspections_template_items_TemplateId",
                table: "inspections_template_items",
                column: "TemplateId");

            migrationBuilder.CreateIndex(
                name: "IX_inspections_templates_OrganizationId",
                table: "inspections_templates",
                column: "OrganizationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inspections_approval_decisions");

            migrationBuilder.DropTable(
                name: "inspections_media");

            migrationBuilder.DropTable(
                name: "inspections_template_items");

            migrationBuilder.DropTable(
                name: "inspections_items");

            migrationBuilder.DropTable(
                name: "inspections_templates");

            migrationBuilder.DropTable(
                name: "inspections");
        }
    }
}
