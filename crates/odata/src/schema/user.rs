//! `user` (GET /users): every v1.0 property, from one table. Each row says what the property is
//! (Graph's name and type, whether `$select` may name it and whether it comes back without one),
//! what `$filter` may do with it, where Portico keeps it and whether an administrator may `PATCH`
//! it. The store's column map, the JSON shape, `PATCH` and the OpenAPI schema are all read from
//! this table, so they cannot disagree. Types follow Graph's v1.0 metadata (a committed subset is
//! `crates/http/tests/server/metadata/user-v1.0.xml`); filters, defaults and limits follow the
//! user resource page and `concepts/aad-advanced-queries.md`.

use super::shorthand::{A, D};
use super::{Entity, FilterSupport, Kind, Property, SearchMode};

/// `userType` values.
pub const USER_TYPES: &[&str] = &["Member", "Guest"];
/// `externalUserState` values (`null` for users who were not invited).
pub const EXTERNAL_USER_STATES: &[&str] = &["PendingAcceptance", "Accepted"];
/// `creationType` values (`null` for regular accounts).
pub const CREATION_TYPES: &[&str] = &[
    "Invitation",
    "LocalAccount",
    "EmailVerified",
    "SelfServiceSignUp",
];
/// `ageGroup` values.
pub const AGE_GROUPS: &[&str] = &["Minor", "NotAdult", "Adult"];
/// `consentProvidedForMinor` values.
pub const CONSENT_FOR_MINOR: &[&str] = &["Granted", "Denied", "NotRequired"];

/// A string property with Graph's usual indexed-name support: `eq`, `ge`/`le`, `in`, `startsWith`
/// by default, `eq null` in advanced queries.
const NAME_FILTER: FilterSupport = FilterSupport {
    eq: D,
    range: D,
    in_list: D,
    starts_with: D,
    null: A,
    ..FilterSupport::NONE
};

/// An address: a name filter plus `endsWith` in advanced queries.
const ADDRESS_FILTER: FilterSupport = FilterSupport {
    ends_with: A,
    ..NAME_FILTER
};

/// `eq` and `in` by default, `eq null` in advanced queries: enums and the state-change time.
const EQ_IN_FILTER: FilterSupport = FilterSupport {
    eq: D,
    in_list: D,
    null: A,
    ..FilterSupport::NONE
};

/// `eq`, `ge`/`le` and `in`: the employee dates.
const DATE_FILTER: FilterSupport = FilterSupport {
    eq: D,
    range: D,
    in_list: D,
    null: A,
    ..FilterSupport::NONE
};

/// `signInActivity/…`: `eq`, `ge`/`le` and `eq null` (never signed in).
const ACTIVITY_FILTER: FilterSupport = FilterSupport {
    eq: D,
    range: D,
    null: D,
    ..FilterSupport::NONE
};

const fn text(name: &'static str) -> Property {
    Property::new(name, Kind::String)
}

const fn texts(name: &'static str) -> Property {
    Property::new(name, Kind::StringCollection)
}

const fn time(name: &'static str) -> Property {
    Property::new(name, Kind::DateTime)
}

const fn flag(name: &'static str) -> Property {
    Property::new(name, Kind::Bool)
}

const fn complex(name: &'static str, type_name: &'static str) -> Property {
    Property::new(name, Kind::Complex(type_name))
}

const fn objects(name: &'static str, type_name: &'static str) -> Property {
    Property::new(name, Kind::ComplexCollection(type_name))
}

/// An administrator-set text with Graph's indexed-name filters.
const fn profile_text(name: &'static str, column: &'static str, max: usize) -> Property {
    text(name).filter(NAME_FILTER).profile(column, Some(max))
}

pub static USER: Entity = Entity {
    name: "user",
    resource: "User",
    type_name: "microsoft.graph.user",
    default_top: 100,
    max_top: 999,
    advanced_queries: true,
    properties: USER_PROPERTIES,
};

const USER_PROPERTIES: &[Property] = &[
    Property::new("id", Kind::Guid)
        .not_null()
        .filter(FilterSupport {
            eq: D,
            in_list: D,
            ..FilterSupport::NONE
        })
        .field("id")
        .default_select(),
    time("deletedDateTime"),
    text("aboutMe"),
    flag("accountEnabled")
        .filter(FilterSupport {
            eq: D,
            range: A,
            in_list: D,
            ..FilterSupport::NONE
        })
        .field("account_enabled")
        .patchable(),
    Property::new("ageGroup", Kind::Enum(AGE_GROUPS))
        .filter(FilterSupport {
            eq: D,
            in_list: D,
            ..FilterSupport::NONE
        })
        .profile("age_group", None),
    objects("assignedLicenses", "microsoft.graph.assignedLicense").not_null(),
    objects("assignedPlans", "microsoft.graph.assignedPlan").not_null(),
    complex("authorizationInfo", "microsoft.graph.authorizationInfo"),
    time("birthday").not_null(),
    texts("businessPhones")
        .not_null()
        .profile("business_phones", Some(64))
        .default_select(),
    profile_text("city", "city", 128),
    profile_text("companyName", "company_name", 64),
    Property::new("consentProvidedForMinor", Kind::Enum(CONSENT_FOR_MINOR))
        .filter(FilterSupport {
            eq: D,
            in_list: D,
            ..FilterSupport::NONE
        })
        .profile("consent_for_minor", None),
    profile_text("country", "country", 128),
    time("createdDateTime")
        .filter(FilterSupport {
            eq: D,
            range: D,
            in_list: A,
            ..FilterSupport::NONE
        })
        .order_by(A)
        .field("created_at"),
    Property::new("creationType", Kind::Enum(CREATION_TYPES))
        .filter(EQ_IN_FILTER)
        .field("creation_type"),
    complex(
        "customSecurityAttributes",
        "microsoft.graph.customSecurityAttributeValue",
    ),
    profile_text("department", "department", 64),
    Property::new("deviceEnrollmentLimit", Kind::Int).not_null(),
    text("displayName")
        .filter(NAME_FILTER)
        .order_by(D)
        .search(SearchMode::Tokenized)
        .field("display_name")
        .patchable()
        .default_select(),
    time("employeeHireDate")
        .filter(DATE_FILTER)
        .profile("employee_hire_date", None),
    profile_text("employeeId", "employee_id", 16),
    time("employeeLeaveDateTime")
        .filter(DATE_FILTER)
        .profile("employee_leave_at", None),
    complex("employeeOrgData", "microsoft.graph.employeeOrgData"),
    profile_text("employeeType", "employee_type", 64),
    Property::new("externalUserState", Kind::Enum(EXTERNAL_USER_STATES))
        .filter(EQ_IN_FILTER)
        .field("external_user_state"),
    time("externalUserStateChangeDateTime")
        .filter(EQ_IN_FILTER)
        .field("external_user_state_changed_at"),
    profile_text("faxNumber", "fax_number", 64),
    text("givenName")
        .filter(NAME_FILTER)
        .search(SearchMode::Prefix)
        .field("given_name")
        .patchable()
        .default_select(),
    time("hireDate").not_null(),
    Property::new(
        "identities",
        Kind::ComplexCollection("microsoft.graph.objectIdentity"),
    )
    .members(
        &["issuerAssignedId", "issuer", "signInType"],
        &["issuerAssignedId", "issuer"],
    )
    .field("identities"),
    text("identityParentId"),
    texts("imAddresses"),
    texts("interests"),
    flag("isManagementRestricted"),
    flag("isResourceAccount"),
    profile_text("jobTitle", "job_title", 128).default_select(),
    time("lastPasswordChangeDateTime"),
    text("legalAgeGroupClassification"),
    objects(
        "licenseAssignmentStates",
        "microsoft.graph.licenseAssignmentState",
    ),
    text("mail")
        .filter(ADDRESS_FILTER)
        .search(SearchMode::Prefix)
        .field("mail")
        .patchable()
        .default_select(),
    complex("mailboxSettings", "microsoft.graph.mailboxSettings"),
    profile_text("mailNickname", "mail_nickname", 64),
    profile_text("mobilePhone", "mobile_phone", 64).default_select(),
    text("mySite"),
    profile_text("officeLocation", "office_location", 128).default_select(),
    text("onPremisesDistinguishedName"),
    text("onPremisesDomainName"),
    complex(
        "onPremisesExtensionAttributes",
        "microsoft.graph.onPremisesExtensionAttributes",
    ),
    text("onPremisesImmutableId"),
    time("onPremisesLastSyncDateTime"),
    objects(
        "onPremisesProvisioningErrors",
        "microsoft.graph.onPremisesProvisioningError",
    ),
    text("onPremisesSamAccountName"),
    text("onPremisesSecurityIdentifier"),
    flag("onPremisesSyncEnabled")
        .filter(FilterSupport {
            eq: D,
            range: A,
            in_list: D,
            ..FilterSupport::NONE
        })
        .field("on_premises_sync_enabled"),
    text("onPremisesUserPrincipalName"),
    texts("otherMails")
        .not_null()
        .filter(FilterSupport {
            eq: D,
            range: D,
            in_list: D,
            starts_with: D,
            ends_with: A,
            count: A,
            ..FilterSupport::NONE
        })
        .field("other_mails")
        .patchable(),
    text("passwordPolicies").profile("password_policies", Some(256)),
    complex("passwordProfile", "microsoft.graph.passwordProfile"),
    texts("pastProjects"),
    profile_text("postalCode", "postal_code", 40),
    text("preferredDataLocation").profile("preferred_data_location", Some(64)),
    profile_text("preferredLanguage", "preferred_language", 16).default_select(),
    text("preferredName"),
    complex("print", "microsoft.graph.userPrint"),
    objects("provisionedPlans", "microsoft.graph.provisionedPlan").not_null(),
    texts("proxyAddresses")
        .not_null()
        .filter(FilterSupport {
            eq: D,
            range: D,
            starts_with: D,
            ends_with: A,
            count: A,
            ..FilterSupport::NONE
        })
        .field("proxy_addresses"),
    texts("responsibilities"),
    texts("schools"),
    text("securityIdentifier"),
    Property::new(
        "serviceProvisioningErrors",
        Kind::ComplexCollection("microsoft.graph.serviceProvisioningError"),
    ),
    flag("showInAddressList")
        .filter(FilterSupport {
            eq: A,
            range: A,
            in_list: A,
            ..FilterSupport::NONE
        })
        .field("hidden_from_address_lists"),
    complex("signInActivity", "microsoft.graph.signInActivity"),
    time("signInActivity/lastSignInDateTime")
        .filter(ACTIVITY_FILTER)
        .field("last_sign_in_at")
        .filter_only(),
    time("signInActivity/lastNonInteractiveSignInDateTime")
        .filter(ACTIVITY_FILTER)
        .field("last_non_interactive_sign_in_at")
        .filter_only(),
    time("signInActivity/lastSuccessfulSignInDateTime")
        .filter(ACTIVITY_FILTER)
        .field("last_successful_sign_in_at")
        .filter_only(),
    time("signInSessionsValidFromDateTime"),
    texts("skills"),
    profile_text("state", "state_province", 128),
    profile_text("streetAddress", "street_address", 1024),
    text("surname")
        .filter(NAME_FILTER)
        .search(SearchMode::Prefix)
        .field("surname")
        .patchable()
        .default_select(),
    profile_text("usageLocation", "usage_location", 2),
    text("userPrincipalName")
        .filter(FilterSupport {
            null: super::shorthand::N,
            ..ADDRESS_FILTER
        })
        .order_by(D)
        .search(SearchMode::Prefix)
        .field("upn")
        .default_select(),
    Property::new("userType", Kind::Enum(USER_TYPES))
        .filter(EQ_IN_FILTER)
        .field("user_type")
        .patchable(),
];
