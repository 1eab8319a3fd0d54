// HhFunctions in Azure: one resource group holds everything.
//
//   az deployment group create --resource-group <rg> --parameters infra/main.bicepparam
//
// Hosting plan: Flex Consumption (FC1, Linux). Why not Linux Consumption (Y1)?
//  - The app is a .NET 10 Azure Functions *isolated worker* app (src/HhFunctions.Functions, deployed as its
//    framework-dependent `dotnet publish` output). Flex Consumption runs it with functionAppConfig.runtime
//    name 'dotnet-isolated', version '10.0'. FUNCTIONS_WORKER_RUNTIME is derived from that block: Flex
//    rejects it (and FUNCTIONS_EXTENSION_VERSION) as an app setting, so neither is set below.
//  - Linux Consumption (Y1) gets no new language versions after 30 September 2025 (so no .NET 10) and is
//    retired on 30 September 2028; its zip deployment also needs a connection string with the account key
//    (WEBSITE_RUN_FROM_PACKAGE / Azure Files content share).
//  - Flex deploys a zip through one path (OneDeploy into a blob container, read with the app's managed
//    identity), so Azure/functions-action or `az functionapp deployment source config-zip` works without any
//    storage key, and the storage account can forbid shared-key access altogether.
//  - Cost is still pay-per-execution: no always-ready instances are configured.
//
// Identity: the function app's system-assigned managed identity reaches every other resource through
// Azure RBAC; no connection string or key is stored anywhere:
//  - host storage:   AzureWebJobsStorage__accountName (identity-based; the Flex Consumption default)
//                    + Storage Blob Data Owner (the host's blobs: keys, timer schedule monitor, locks; and
//                    the deployment package container).
//  - queues:         Storage Queue Data Contributor. The host's queue trigger (BumpOnDemand, queue
//                    hh-bump-requests, connection AzureWebJobsStorage) reads, deletes and poisons messages;
//                    the app itself enqueues on-demand runs into the same account (AzureWebJobsStorage).
//  - app tables:     Storage__TableServiceUri + Storage Table Data Contributor.
//  - secrets/tokens: KeyVault__Uri + Key Vault Secrets Officer (the app reads every secret as
//                    configuration and writes the hh.ru token pair as the secret 'hh-oauth-token', the
//                    application token beside it as 'hh-oauth-token-app').
//  - telemetry:      APPLICATIONINSIGHTS_AUTHENTICATION_STRING + Monitoring Metrics Publisher
//                    (Application Insights has local, key-based auth disabled).
//
// Secrets (hh.ru client secret, Telegram bot token, Telegram webhook secret, the own PostgreSQL's connection
// string) are @secure() parameters
// written as Key Vault secrets named with '--' (the app maps '--' to ':'), never as app settings. An empty
// secret parameter leaves the vault's current secret untouched, so later deployments need not repeat it.

targetScope = 'resourceGroup'

@description('Azure region. Flex Consumption is not offered in every region: `az functionapp list-flexconsumption-locations`.')
param location string = resourceGroup().location

@description('Function app name (globally unique, becomes <name>.azurewebsites.net). Empty: hh-<hash of the resource group>.')
@maxLength(40)
param appName string = ''

@description('Instance memory of the Flex Consumption plan, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound of instances the plan may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Days Log Analytics keeps telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

// ---- application settings (names as the app reads them) ----

@description('HeadHunter__ClientId: client id of the application registered at dev.hh.ru. Not a secret.')
param hhClientId string = ''

@secure()
@description('HeadHunter__ClientSecret: stored as the Key Vault secret HeadHunter--ClientSecret. Empty: keep the vault\'s current value.')
param hhClientSecret string = ''

@description('HeadHunter__UserAgent, e.g. "HhFunctions/1.0 (you@example.com)". hh.ru rejects requests without a meaningful one (400 bad_user_agent). Empty: the app default.')
param hhUserAgent string = ''

@description('HeadHunter__RedirectUri. Empty: the app derives https://<host>/api/oauth/callback.')
param hhRedirectUri string = ''

@secure()
@description('Telegram__BotToken from @BotFather: stored as the Key Vault secret Telegram--BotToken. Empty: keep the vault\'s current value.')
param telegramBotToken string = ''

@description('Telegram__ChatId: numeric id of the chat that receives reports. Required once a bot token is set.')
param telegramChatId string = ''

@secure()
@description('Telegram__WebhookSecret (letters, digits, _ and -; up to 256): stored as the Key Vault secret Telegram--WebhookSecret. Empty: keep the vault\'s current value.')
param telegramWebhookSecret string = ''

@description('Telegram__Notify: all, changes or errors. Empty: the app default (all).')
@allowed([
  ''
  'all'
  'changes'
  'errors'
])
param telegramNotify string = ''

@description('Bump__Schedule: six-field NCRONTAB (seconds first), UTC. The timer binding reads %Bump__Schedule%, so it is always set. Empty: every 4 hours at minute 1.')
param bumpSchedule string = ''

@description('Search__Schedule: six-field NCRONTAB (seconds first), UTC, of the vacancy watch (WatchVacancies). Its timer binding reads %Search__Schedule%, so it is always set. Empty: every 30 minutes.')
param searchSchedule string = ''

@description('Apply__TrackSchedule: six-field NCRONTAB (seconds first), UTC, of TrackApplications. Its timer binding reads %Apply__TrackSchedule%, so it is always set. Empty: every 30 minutes.')
param applyTrackSchedule string = ''

@description('Recruiting__ReconcileSchedule: six-field NCRONTAB (seconds first), UTC, of ReconcileResponses (finds the employer\'s responses no webhook brought). Its timer binding reads %Recruiting__ReconcileSchedule%, so it is always set. Empty: every 15 minutes.')
param recruitingReconcileSchedule string = ''

@secure()
@description('Bitrix24__WebhookUrl, the Bitrix24 portal\'s incoming webhook (https://{portal}/rest/{user}/{key}/, scope crm): stored as the Key Vault secret Bitrix24--WebhookUrl. Empty: keep the vault\'s current value (none: recruiting writes nothing).')
param bitrix24WebhookUrl string = ''

@description('Bitrix24__Entity: lead (default) or deal (a contact plus a deal). Empty: the app default.')
@allowed([
  ''
  'lead'
  'deal'
])
param bitrix24Entity string = ''

@secure()
@description('Recruiting__WebhookKey, the secret part of the hh.ru webhook address /api/hh/webhook/{key} (32-128 of A-Z a-z 0-9 _ -): stored as the Key Vault secret Recruiting--WebhookKey. Empty: the app makes one and keeps it.')
param recruitingWebhookKey string = ''

@secure()
@description('Bitrix24__OutgoingToken, the application token of the Bitrix24 outgoing webhook that sends ONCRMLEADUPDATE / ONCRMDEALUPDATE to /api/bitrix/events/{key} (sync back): stored as the Key Vault secret Bitrix24--OutgoingToken. Empty: keep the vault\'s current value (none: sync back cannot be on).')
param bitrix24OutgoingToken string = ''

@description('Recruiting__SyncBack: true performs on hh.ru the moves recruiters make in Bitrix24 (docs/recruiting.md). Empty: off.')
@allowed([
  ''
  'true'
  'false'
])
param recruitingSyncBack string = ''

@description('Recruiting__StageMap: hh.ru employer state to Bitrix24 stage, "hh state=STAGE;..." (docs/recruiting.md). Empty: the default map of Bitrix24__Entity.')
param recruitingStageMap string = ''

@secure()
@description('Sql__ConnectionString, the user\'s own PostgreSQL (Npgsql form: Host=...;Username=...;Password=...;Database=...; docs/own-database.md): stored as the Key Vault secret Sql--ConnectionString, which the app reads as configuration (a Key Vault reference, never an app setting and never logged). Empty: nothing is deployed for it and the vault\'s current value, if any, is kept (none: no mirror).')
param sqlConnectionString string = ''

@description('Bump__ResumeIds: comma-separated resume ids to raise. Empty: every resume of the account.')
param bumpResumeIds string = ''

@description('Bump__MaxWait, a TimeSpan such as 00:05:00 (at most 00:09:00). Empty: the app default.')
param bumpMaxWait string = ''

@description('App__PublicBaseUrl, e.g. https://hh.example.com when a custom domain fronts the app. Empty: https://{WEBSITE_HOSTNAME}.')
param publicBaseUrl string = ''

@description('Storage__TablePrefix: prefix of every table the app creates.')
param tablePrefix string = 'Hh'

@description('Data__Path: local folder for the data-protection keys and the last-resort token rescue file. On Flex Consumption it is instance-local (not shared, not kept across instances); the token pair itself lives in Key Vault.')
param dataPath string = '/home/data/hhfunctions'

@description('Tags put on every resource.')
param tags object = {
  app: 'hhfunctions'
}

var suffix = uniqueString(resourceGroup().id)
var functionAppName = empty(appName) ? 'hh-${suffix}' : appName
var planName = 'plan-${functionAppName}'
var storageAccountName = 'st${suffix}hh' // uniqueString() is 13 characters: 17 in all
var keyVaultName = 'kv-${suffix}-hh'
var logAnalyticsName = 'log-${functionAppName}'
var appInsightsName = 'appi-${functionAppName}'
var deploymentContainerName = 'app-package'
var effectiveSchedule = empty(bumpSchedule) ? '0 1 */4 * * *' : bumpSchedule
var effectiveTrackSchedule = empty(applyTrackSchedule) ? '0 */30 * * * *' : applyTrackSchedule
var effectiveSearchSchedule = empty(searchSchedule) ? '0 */30 * * * *' : searchSchedule
var effectiveReconcileSchedule = empty(recruitingReconcileSchedule) ? '0 */15 * * * *' : recruitingReconcileSchedule

// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// ---- monitoring ----

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

// ---- storage: Functions host (blobs, queue trigger), deployment package (blob container), app state (tables, queues) ----

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// ---- Key Vault (RBAC mode) and the configuration secrets ----

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource hhClientSecretSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(hhClientSecret)) {
  parent: vault
  name: 'HeadHunter--ClientSecret'
  properties: {
    value: hhClientSecret
    contentType: 'text/plain'
  }
}

resource telegramBotTokenSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(telegramBotToken)) {
  parent: vault
  name: 'Telegram--BotToken'
  properties: {
    value: telegramBotToken
    contentType: 'text/plain'
  }
}

resource telegramWebhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(telegramWebhookSecret)) {
  parent: vault
  name: 'Telegram--WebhookSecret'
  properties: {
    value: telegramWebhookSecret
    contentType: 'text/plain'
  }
}

resource bitrix24WebhookUrlSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(bitrix24WebhookUrl)) {
  parent: vault
  name: 'Bitrix24--WebhookUrl'
  properties: {
    value: bitrix24WebhookUrl
    contentType: 'text/plain'
  }
}

resource bitrix24OutgoingTokenSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(bitrix24OutgoingToken)) {
  parent: vault
  name: 'Bitrix24--OutgoingToken'
  properties: {
    value: bitrix24OutgoingToken
    contentType: 'text/plain'
  }
}

resource recruitingWebhookKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(recruitingWebhookKey)) {
  parent: vault
  name: 'Recruiting--WebhookKey'
  properties: {
    value: recruitingWebhookKey
    contentType: 'text/plain'
  }
}

// The own-database mirror's connection string (docs/own-database.md): only when the parameter is set.
resource sqlConnectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(sqlConnectionString)) {
  parent: vault
  name: 'Sql--ConnectionString'
  properties: {
    value: sqlConnectionString
    contentType: 'text/plain'
  }
}

// ---- Flex Consumption plan and the function app ----

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      // GET /api/health (anonymous, no secrets): 503 when the state store, the token vault, the account's connection,
      // the last scheduled run or the failed-response backlog is in trouble (docs/observability.md).
      healthCheckPath: '/api/health'
      // ftpsState is deliberately absent: Flex Consumption has no FTP(S) endpoint at all, and Microsoft lists
      // siteConfig.ftpsState among the properties Flex apps must not set. FTP and SCM basic-auth publishing
      // are switched off below (basicPublishingCredentialsPolicies).
    }
    functionAppConfig: {
      runtime: {
        name: 'dotnet-isolated' // src/HhFunctions.Functions: the isolated worker (Microsoft.Azure.Functions.Worker)
        version: '10.0'
      }
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
    }
  }
  dependsOn: [
    deploymentContainer
  ]
}

// No username/password publishing: deployments authenticate with Microsoft Entra ID (az login / OIDC).
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// ---- least-privilege role assignments for the app's managed identity ----

resource hostStorageRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionApp.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'Functions host storage (AzureWebJobsStorage) and the deployment package container.'
  }
}

resource queueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionApp.id, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'On-demand runs: the app enqueues (AzureWebJobsStorage), the host\'s queue trigger reads (AzureWebJobsStorage).'
  }
}

resource tableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionApp.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'HhFunctions state tables (Storage__TableServiceUri).'
  }
}

resource vaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, functionApp.id, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'HhFunctions reads its configuration secrets and reads/writes the hh.ru token pair (hh-oauth-token).'
  }
}

resource telemetryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, functionApp.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'Functions host telemetry with Microsoft Entra authentication.'
  }
}

// ---- app settings ----
// Only non-empty values are written: an empty string would not mean "unset" to the app (an empty URL or
// TimeSpan fails its start-up validation). This resource replaces the whole set on every deployment.
// FUNCTIONS_WORKER_RUNTIME (dotnet-isolated) and FUNCTIONS_EXTENSION_VERSION are NOT app settings on Flex
// Consumption: functionAppConfig.runtime above sets them, and ARM rejects a site that sets them here.

var baseSettings = {
  AzureWebJobsStorage__accountName: storage.name
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  KeyVault__Uri: vault.properties.vaultUri
  Storage__TableServiceUri: storage.properties.primaryEndpoints.table
  Storage__TablePrefix: tablePrefix
  Bump__Schedule: effectiveSchedule
  Search__Schedule: effectiveSearchSchedule
  Apply__TrackSchedule: effectiveTrackSchedule
  Recruiting__ReconcileSchedule: effectiveReconcileSchedule
  Data__Path: dataPath
}

var optionalSettings = {
  HeadHunter__ClientId: hhClientId
  HeadHunter__UserAgent: hhUserAgent
  HeadHunter__RedirectUri: hhRedirectUri
  Telegram__ChatId: telegramChatId
  Telegram__Notify: telegramNotify
  Bump__ResumeIds: bumpResumeIds
  Bump__MaxWait: bumpMaxWait
  App__PublicBaseUrl: publicBaseUrl
  Bitrix24__Entity: bitrix24Entity
  Recruiting__SyncBack: recruitingSyncBack
  Recruiting__StageMap: recruitingStageMap
}

resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(baseSettings, toObject(filter(items(optionalSettings), s => !empty(s.value)), s => s.key, s => s.value))
  // Settings land after the roles and secrets exist, so the app's first start can read the vault and storage.
  dependsOn: [
    hostStorageRole
    queueRole
    tableRole
    vaultRole
    telemetryRole
    hhClientSecretSecret
    telegramBotTokenSecret
    telegramWebhookSecretSecret
    bitrix24WebhookUrlSecret
    bitrix24OutgoingTokenSecret
    recruitingWebhookKeySecret
    sqlConnectionStringSecret
  ]
}

// ---- outputs ----

var hostName = functionApp.properties.defaultHostName
var baseUrl = empty(publicBaseUrl) ? 'https://${hostName}' : (endsWith(publicBaseUrl, '/') ? take(publicBaseUrl, length(publicBaseUrl) - 1) : publicBaseUrl)

output functionAppName string = functionApp.name
output defaultHostName string = hostName
@description('Register exactly this redirect URI for the application at dev.hh.ru.')
output oauthRedirectUri string = empty(hhRedirectUri) ? '${baseUrl}/api/oauth/callback' : hhRedirectUri
output statusPageUrl string = '${baseUrl}/api/status'
output telegramWebhookUrl string = '${baseUrl}/api/telegram/webhook'
@description('hh.ru\'s webhook for an employer account is /api/hh/webhook/{Recruiting__WebhookKey}; the app subscribes it itself when the account is connected.')
output hhWebhookBase string = '${baseUrl}/api/hh/webhook/'
output keyVaultName string = vault.name
output keyVaultUri string = vault.properties.vaultUri
output storageAccountName string = storage.name
