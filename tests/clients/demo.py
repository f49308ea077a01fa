"""The demo world's published ids and secrets (docs/demo-world.md) that these tests use."""

PASSWORD = "Portico-dev-1"
GRAPH = "https://graph.microsoft.com"
GRAPH_DEFAULT = GRAPH + "/.default"

CONTOSO = "11111111-1111-4111-8111-111111111111"
FABRIKAM = "22222222-2222-4222-8222-222222222222"

CONTOSO_ADMIN = ("c0c0a001-0000-4000-8000-000000000001", "contoso-admin-secret")
FABRIKAM_ADMIN = ("fabca001-0000-4000-8000-000000000001", "fabrikam-admin-secret")
CONTOSO_CLI = "c0c0a003-0000-4000-8000-000000000003"  # public client, redirect URI http://localhost

# The Graph application permissions of every tenant's "Portico Admin" app.
ADMIN_ROLES = {
    "Directory.ReadWrite.All",
    "User.ReadWrite.All",
    "User.Invite.All",
    "Policy.Read.All",
    "Policy.ReadWrite.CrossTenantAccess",
    "Policy.ReadWrite.ConditionalAccess",
    "Policy.ReadWrite.Authorization",
    "AuditLog.Read.All",
    "IdentityRiskyUser.ReadWrite.All",
    "RoleManagement.ReadWrite.Directory",
}
