# flake8: noqa

# import apis into api package
from keyward_sdk.api.admin_api_catalog_api import AdminApiCatalogApi
from keyward_sdk.api.admin_api_resources_api import AdminApiResourcesApi
from keyward_sdk.api.admin_api_scopes_api import AdminApiScopesApi
from keyward_sdk.api.admin_blobs_api import AdminBlobsApi
from keyward_sdk.api.admin_clients_api import AdminClientsApi
from keyward_sdk.api.admin_codegen_api import AdminCodegenApi
from keyward_sdk.api.admin_codes_api import AdminCodesApi
from keyward_sdk.api.admin_identity_resources_api import AdminIdentityResourcesApi
from keyward_sdk.api.admin_roles_api import AdminRolesApi
from keyward_sdk.api.admin_tenants_api import AdminTenantsApi
from keyward_sdk.api.admin_users_api import AdminUsersApi
from keyward_sdk.api.app_oauth_api import AppOauthApi
from keyward_sdk.api.app_users_api import AppUsersApi
from keyward_sdk.api.oauth_api import OauthApi
from keyward_sdk.api.operations_api import OperationsApi
from keyward_sdk.api.seed000_api import Seed000Api
from keyward_sdk.api.spring_users_api import SpringUsersApi

