/* tslint:disable */
/* eslint-disable */
export * from './AdminApiCatalogApi.js';
export * from './AdminApiResourcesApi.js';
export * from './AdminApiScopesApi.js';
export * from './AdminBlobsApi.js';
export * from './AdminClientsApi.js';
export * from './AdminCodegenApi.js';
export * from './AdminCodesApi.js';
export * from './AdminIdentityResourcesApi.js';
export * from './AdminRolesApi.js';
export * from './AdminTenantsApi.js';
export * from './AdminUsersApi.js';
export * from './AppOauthApi.js';
export * from './AppUsersApi.js';
export * from './OauthApi.js';
export * from './OperationsApi.js';
export * from './Seed000Api.js';
export * from './SpringUsersApi.js';
