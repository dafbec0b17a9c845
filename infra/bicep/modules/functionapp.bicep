// Flex Consumption (FC1) plan and the CloudWg function app, run as a custom handler: the
// deployment package holds a self-contained ASP.NET Core app that listens on
// FUNCTIONS_CUSTOMHANDLER_PORT and serves the API and the admin SPA (see infra/package.sh).
// The app authenticates every request itself (sessions, API tokens, signed node requests), so no
// platform authentication is configured.

@description('Azure region.')
param location string

@description('Flex Consumption plan name.')
param planName string

@description('Function app name (globally unique host name).')
param functionAppName string

@description('Storage account used for host storage, app data and the deployment package.')
param storageAccountName string

@description('Blob endpoint of the storage account.')
param blobEndpoint string

@description('Queue endpoint of the storage account.')
param queueEndpoint string

@description('Table endpoint of the storage account.')
param tableEndpoint string

@description('Container that holds the Flex deployment package.')
param deploymentContainerName string

@description('Key Vault URI.')
param keyVaultUri string

@description('Secret name for the storage account key.')
param storageKeySecretName string

@description('Secret name for the one-time setup token.')
param setupTokenSecretName string

@description('Key Vault key that signs desired states.')
param configSigningKeyName string

@description('Key Vault key that wraps the TOTP data key.')
param dataKeyWrappingKeyName string

@description('Application Insights component name.')
param appInsightsName string

@description('Upper bound for scale-out.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Instance memory size.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // No client certificates: agents sign their requests with the node key (DESIGN §4), which needs nothing
    // from the front end. Asking for certificates on some paths only makes the front end renegotiate, which
    // TLS 1.3 and HTTP/2 do not support.
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // Identity-based settings only: no connection string or key is ever an app setting.
      appSettings: [
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'CloudWg__Storage__AccountName'
          value: storageAccountName
        }
        {
          name: 'CloudWg__Storage__BlobServiceUri'
          value: blobEndpoint
        }
        {
          name: 'CloudWg__Storage__QueueServiceUri'
          value: queueEndpoint
        }
        {
          name: 'CloudWg__Storage__TableServiceUri'
          value: tableEndpoint
        }
        {
          name: 'CloudWg__Storage__AccountKeySecretName'
          value: storageKeySecretName
        }
        {
          name: 'CloudWg__KeyVaultUri'
          value: keyVaultUri
        }
        {
          name: 'CloudWg__SetupTokenSecretName'
          value: setupTokenSecretName
        }
        {
          name: 'CloudWg__KeyVault__ConfigSigningKeyName'
          value: configSigningKeyName
        }
        {
          name: 'CloudWg__KeyVault__DataKeyWrappingKeyName'
          value: dataKeyWrappingKeyName
        }
        {
          name: 'CloudWg__BehindFunctionsFrontEnd'
          value: 'true'
        }
        // Every request reaches the app through the Functions host on loopback: without the
        // client address the front end sets, all clients would share one rate-limit bucket and one
        // attacker could lock everybody out of signing in. X-Client-IP is written by the front end;
        // the first X-Forwarded-For entry is written by the client.
        {
          name: 'CloudWg__Auth__ClientAddressHeader'
          value: 'X-Client-IP'
        }
      ]
    }
  }
}

// Deployments use Entra ID (az CLI), never publishing passwords.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output functionAppName string = site.name
output defaultHostName string = site.properties.defaultHostName
output principalId string = site.identity.principalId
