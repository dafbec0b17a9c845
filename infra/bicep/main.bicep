// CloudWg control plane on Azure: storage, Key Vault, a Flex Consumption function app running the
// ASP.NET Core control plane as a custom handler, Application Insights, and a Static Web App for
// the admin SPA with the function app linked as its /api backend.
//
// Compiled into infra/azuredeploy.json (the "Deploy to Azure" template); a test keeps the two equal.

targetScope = 'resourceGroup'

@description('Azure region for everything except the Static Web App (defaults to the resource group\'s).')
param location string = resourceGroup().location

@description('Short prefix for resource names: 2-10 lowercase letters and digits, starting with a letter.')
@minLength(2)
@maxLength(10)
param namePrefix string = 'cloudwg'

@description('Static Web App region; the service exists in a few regions only. Empty = nearest supported to `location`.')
@allowed([
  ''
  'centralus'
  'eastasia'
  'eastus2'
  'westeurope'
  'westus2'
])
param staticWebAppLocation string = ''

@description('Upper bound for function app scale-out.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per function app instance (MB).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Days to keep logs in Log Analytics.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('One-time token that creates the first owner account. Generated per deployment; stored only in Key Vault.')
@secure()
param setupToken string = newGuid()

@description('Object id allowed to read the setup-token secret. Defaults to whoever runs the deployment; empty for nobody.')
param setupTokenReaderObjectId string = deployer().objectId

// Tables the control plane uses. Keep this list in one place: the app expects exactly these.
var tableNames = [
  'nodes'
  'peers'
  'routes'
  'firewallrules'
  'leases'
  'audit'
  'changes'
  'admins'
  'sessions'
  'tokens'
  'ratelimits'
  'enrollments'
  'certificates'
]

// Node inbox queues (node-<id>) are created by the app at enrollment.
var queueNames = [
  'reports'
]

var deploymentContainerName = 'deployment-package'

var containerNames = [
  'desired-state'
  deploymentContainerName
]

var storageKeySecretName = 'cloudwg-storage-account-key'
var setupTokenSecretName = 'cloudwg-setup-token'
// Key Vault keys the deployment creates (the app may use them, never create them).
var configSigningKeyName = 'cloudwg-config-signing'
var dataKeyWrappingKeyName = 'cloudwg-data-kek'

var prefix = toLower(namePrefix)
var suffix = uniqueString(subscription().id, resourceGroup().id, prefix)
// prefix (2-10) + 13 = at most 23 characters: within the 24-character limits of both names.
var storageAccountName = '${prefix}${suffix}'
var keyVaultName = '${prefix}-kv-${take(suffix, 10)}'
var functionAppName = '${prefix}-func-${suffix}'
var planName = '${prefix}-plan-${suffix}'
var staticWebAppName = '${prefix}-web-${suffix}'
var workspaceName = '${prefix}-logs-${suffix}'
var appInsightsName = '${prefix}-appi-${suffix}'

var staticWebAppRegions = {
  centralus: 'centralus'
  eastasia: 'eastasia'
  eastus2: 'eastus2'
  westeurope: 'westeurope'
  westus2: 'westus2'
  eastus: 'eastus2'
  westus: 'westus2'
  westus3: 'westus2'
  southcentralus: 'centralus'
  northcentralus: 'centralus'
  northeurope: 'westeurope'
  uksouth: 'westeurope'
  francecentral: 'westeurope'
  germanywestcentral: 'westeurope'
  swedencentral: 'westeurope'
  southeastasia: 'eastasia'
  japaneast: 'eastasia'
  australiaeast: 'eastasia'
}
var effectiveStaticWebAppLocation = !empty(staticWebAppLocation)
  ? staticWebAppLocation
  : (staticWebAppRegions[?location] ?? 'westeurope')

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: workspaceName
    appInsightsName: appInsightsName
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    storageAccountName: storageAccountName
    tableNames: tableNames
    queueNames: queueNames
    containerNames: containerNames
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  // The storage key secret reads the account's keys.
  dependsOn: [
    storage
  ]
  params: {
    location: location
    keyVaultName: keyVaultName
    storageAccountName: storageAccountName
    storageKeySecretName: storageKeySecretName
    setupTokenSecretName: setupTokenSecretName
    setupToken: setupToken
    configSigningKeyName: configSigningKeyName
    dataKeyWrappingKeyName: dataKeyWrappingKeyName
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  dependsOn: [
    monitoring
  ]
  params: {
    location: location
    planName: planName
    functionAppName: functionAppName
    storageAccountName: storageAccountName
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    keyVaultUri: keyVault.outputs.keyVaultUri
    storageKeySecretName: storageKeySecretName
    setupTokenSecretName: setupTokenSecretName
    configSigningKeyName: configSigningKeyName
    dataKeyWrappingKeyName: dataKeyWrappingKeyName
    appInsightsName: appInsightsName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    appPrincipalId: functionApp.outputs.principalId
    functionAppName: functionAppName
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
    setupTokenSecretName: setupTokenSecretName
    setupTokenReaderObjectId: setupTokenReaderObjectId
  }
}

module staticWebApp 'modules/staticwebapp.bicep' = {
  name: 'staticwebapp'
  // Link only after the function app's pass-through authentication settings exist (see functionapp.bicep).
  dependsOn: [
    functionApp
  ]
  params: {
    location: effectiveStaticWebAppLocation
    staticWebAppName: staticWebAppName
    functionAppName: functionAppName
    functionAppLocation: location
  }
}

@description('Admin web app (SPA); /api/* on it is proxied to the function app.')
output spaUrl string = 'https://${staticWebApp.outputs.defaultHostName}'

@description('Function app base URL; agents enroll and renew against it directly (mTLS on /api/agent/*).')
output apiUrl string = 'https://${functionApp.outputs.defaultHostName}'

@description('Resource names deploy.sh needs.')
output functionAppName string = functionApp.outputs.functionAppName
output staticWebAppName string = staticWebAppName
output keyVaultName string = keyVault.outputs.keyVaultName
output setupTokenSecretName string = setupTokenSecretName
