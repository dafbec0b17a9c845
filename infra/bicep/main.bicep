// CloudWg control plane on Azure: storage, Key Vault, a Flex Consumption function app running the
// ASP.NET Core control plane as a custom handler (it also serves the admin SPA on its own origin),
// and Application Insights. The deployment puts the release package on the app (one deploy), so
// the web app answers at `appUrl` when the deployment finishes.
//
// Compiled into infra/azuredeploy.json (the "Deploy to Azure" template); a test keeps the two equal.

targetScope = 'resourceGroup'


@description('Azure region (Flex Consumption runs in some regions only: az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Short prefix for resource names: 2-10 lowercase letters and digits, starting with a letter.')
@minLength(2)
@maxLength(10)
param namePrefix string = 'cloudwg'

@description('The function package (cloudwg-functions.zip) put on the app during the deployment: `latest` (the latest release), a URL, or empty for no code (infra/deploy.sh then uploads a local build).')
param packageUri string = 'latest'

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
  'nonces'
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

// ARM has no pattern check for parameters: a prefix outside [a-z][a-z0-9]* fails here, with this message,
// before any resource is made (the storage account name would otherwise fail half-way through).
// release.json names the repository whose releases the template installs: the one place its slug is
// written (README's button and the release workflow are checked against it).
var release = loadJsonContent('release.json')
var latestPackageUri = 'https://github.com/${release.repository}/releases/latest/download/${release.functionPackageAsset}'
var effectivePackageUri = packageUri == 'latest' ? latestPackageUri : packageUri

var prefixLetters = 'abcdefghijklmnopqrstuvwxyz'
var prefixIsValid = contains(prefixLetters, substring(namePrefix, 0, 1)) && empty(filter(
  range(0, length(namePrefix)),
  i => !contains('${prefixLetters}0123456789', substring(namePrefix, i, 1))
))
var prefix = prefixIsValid
  ? namePrefix
  : fail('namePrefix must be 2-10 lowercase letters and digits, starting with a letter (it names the storage account).')

// Regions that offer Flex Consumption (az functionapp list-flexconsumption-locations, December 2026).
// Elsewhere the plan cannot be created: say so before anything is.
var flexConsumptionRegions = [
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
]
var region = contains(flexConsumptionRegions, location)
  ? location
  : fail('Flex Consumption is not offered in this region. Pick one of: ${join(flexConsumptionRegions, ', ')} (or a resource group there).')
var suffix = uniqueString(subscription().id, resourceGroup().id, prefix)
// prefix (2-10) + 13 = at most 23 characters: within the 24-character limits of both names.
var storageAccountName = '${prefix}${suffix}'
var keyVaultName = '${prefix}-kv-${take(suffix, 10)}'
var functionAppName = '${prefix}-func-${suffix}'
var planName = '${prefix}-plan-${suffix}'
var workspaceName = '${prefix}-logs-${suffix}'
var appInsightsName = '${prefix}-appi-${suffix}'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: region
    workspaceName: workspaceName
    appInsightsName: appInsightsName
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: region
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
    location: region
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
    location: region
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

// One deploy: the documented way to put a package on a Flex Consumption app from a template. It runs
// after the roles, because the platform writes the package into the deployment container as the app's
// identity (Storage Blob Data Owner).
module code 'modules/code.bicep' = if (!empty(effectivePackageUri)) {
  name: 'code'
  dependsOn: [
    roles
  ]
  params: {
    functionAppName: functionAppName
    packageUri: effectivePackageUri
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    // The principal id is known only once the app exists, and it names the role assignments (a recreated
    // app must get new ones, not collide with the old): What-If cannot predict those names, by design.
    #disable-next-line what-if-short-circuiting
    appPrincipalId: functionApp.outputs.principalId
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
    setupTokenSecretName: setupTokenSecretName
    setupTokenReaderObjectId: setupTokenReaderObjectId
  }
}

@description('The admin web app and the API (agents enroll and renew here): the function app serves both on one origin.')
output appUrl string = 'https://${functionApp.outputs.defaultHostName}'

@description('How to read the one-time setup token that creates the first owner (only the deploying account may).')
output setupTokenCommand string = 'az keyvault secret show --vault-name ${keyVault.outputs.keyVaultName} --name ${setupTokenSecretName} --query value --output tsv'

@description('Resource names deploy.sh needs.')
output functionAppName string = functionApp.outputs.functionAppName
output keyVaultName string = keyVault.outputs.keyVaultName
output setupTokenSecretName string = setupTokenSecretName
