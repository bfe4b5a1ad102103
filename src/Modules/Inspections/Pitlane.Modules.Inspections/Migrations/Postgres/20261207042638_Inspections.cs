using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Inspections.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    VehicleId = table.Column<Guid>(type: "uuid", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    TemplateId = table.Column<Guid>(type: "uuid", nullable: false),
                    TemplateName = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ShareVersion = table.Column<int>(type: "integer", nullable: false),
                    ShareExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SharedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    NarrationText = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    NarrationSource = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    NarrationMediaId = table.Column<Guid>(type: "uuid", nullable: true),
                    NarrationJobId = table.Column<Guid>(type: "uuid", nullable: true),
                    NarrationError = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inspections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inspections_approval_decisions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    InspectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    RepairOrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    Approved = table.Column<bool>(type: "boolean", nullable: false),
                    SignedName = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    IpAddress = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LinkVersion = table.Column<int>(type: "integer", nullable: false),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inspections_approval_decisions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inspections_templates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    IsDefault = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inspections_templates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inspections_items",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    InspectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Section = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Measurement = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    JobTitle = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    JobHours = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: false),
                    Rating = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    Notes = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    MeasuredValue = table.Column<decimal>(type: "numeric(8,2)", precision: 8, scale: 2, nullable: true),
                    ProposedJobId = table.Column<Guid>(type: "uuid", nullable: true)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TemplateId = table.Column<Guid>(type: "uuid", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Section = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Measurement = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    JobTitle = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    JobHours = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    InspectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    ItemId = table.Column<Guid>(type: "uuid", nullable: false),
                    IsVideo = table.Column<bool>(type: "boolean", nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    OriginalMediaId = table.Column<Guid>(type: "uuid", nullable: false),
                    VideoMediaId = table.Column<Guid>(type: "uuid", nullable: true),
                    PosterMediaId = table.Column<Guid>(type: "uuid", nullable: true),
                    PreviewMediaId = table.Column<Guid>(type: "uuid", nullable: true),
                    JobId = table.Column<Guid>(type: "uuid", nullable: true),
                    DurationSeconds = table.Column<double>(type: "double precision", nullable: true),
                    Error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
