// The storage account behind the control plane: Table Storage for all state, Storage Queues for
// node delivery and reports, blobs for desired-state documents and the Flex deployment package.

@description('Azure region.')
param location string

@description('Storage account name (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('Tables the app uses.')
param tableNames string[]

@description('Queues created up front. Node queues (node-<id>) are created by the app at run time.')
param queueNames string[]

@description('Blob containers.')
param containerNames string[]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    // Shared keys stay enabled: node SAS tokens are service SAS tied to stored access policies
    // (revocable per node), which only an account key can sign. The key is kept in Key Vault,
    // never in app settings; the portal and the app default to Entra ID for everything else.
    allowSharedKeyAccess: true
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
    accessTier: 'Hot'
    encryption: {
      keySource: 'Microsoft.Storage'
      services: {
        blob: {
          enabled: true
        }
        table: {
          enabled: true
        }
        queue: {
          enabled: true
        }
      }
    }
  }

  resource tableService 'tableServices' = {
    name: 'default'

    resource tables 'tables' = [
      for name in tableNames: {
        name: name
      }
    ]
  }

  resource queueService 'queueServices' = {
    name: 'default'

    resource queues 'queues' = [
      for name in queueNames: {
        name: name
      }
    ]
  }

  resource blobService 'blobServices' = {
    name: 'default'
    properties: {
      deleteRetentionPolicy: {
        enabled: true
        days: 7
      }
    }

    resource containers 'containers' = [
      for name in containerNames: {
        name: name
        properties: {
          publicAccess: 'None'
        }
      }
    ]
  }
}

output storageAccountName string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
