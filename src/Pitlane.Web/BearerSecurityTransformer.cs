using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Pitlane.Web;

/// <summary>Documents the bearer scheme and the organisation header so /docs can call the API.</summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Pitlane API";
        document.Info.Description = "Authenticate with POST /api/v1/auth/token, then send the header 'Authorization: Bearer {accessToken}'. " +
            "Organisation-scoped endpoints act in the organisation named by the X-Organization-Id header (default: your personal one).";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "Access token from POST /api/v1/auth/token",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
        return Task.CompletedTask;
    }
}
