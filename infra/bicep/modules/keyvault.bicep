// Key Vault for the CA keys, the config-signing key and the few secrets the app needs.
// RBAC only (no access policies), soft delete and purge protection: a deleted CA or signing key
// must be recoverable and must not be purgeable by a compromised operator account.

@description('Azure region.')
param location string

@description('Key Vault name (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param keyVaultName string

@description('Storage account whose key signs the node SAS tokens (stored as a secret).')
param storageAccountName string

@description('Secret name for the storage account key.')
param storageKeySecretName string

@description('Secret name for the one-time setup token.')
param setupTokenSecretName string

@description('The one-time setup token for the first owner account.')
@secure()
param setupToken string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
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
  }
}

// The account key is written here by the deployment so that the app reads it through its
// identity (Key Vault Secrets User) and it never appears in app settings or outputs.
resource storageKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: storageKeySecretName
  properties: {
    value: storage.listKeys().keys[0].value
    contentType: 'storage-account-key'
  }
}

resource setupTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: setupTokenSecretName
  properties: {
    value: setupToken
    contentType: 'cloudwg-setup-token'
  }
}

output keyVaultName string = vault.name
output keyVaultUri string = vault.properties.vaultUri
