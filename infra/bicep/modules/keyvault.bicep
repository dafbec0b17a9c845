// Key Vault for the CA keys, the config-signing key, the key that wraps the TOTP data key, and the
// few secrets the app needs.
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

@description('Name of the EC P-256 key that signs desired states (ES256).')
param configSigningKeyName string

@description('Name of the RSA key that wraps the data key encrypting TOTP secrets at rest.')
param dataKeyWrappingKeyName string

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

// Keys the app uses but may not create: its identity holds Key Vault Crypto User, which can use
// keys (sign, wrap, unwrap) but not create them. ARM creates a vaults/keys resource only when the
// key does not exist yet: redeploying never adds a version, so signatures and wrapped data stay
// valid across upgrades. Both are non-exportable; each allows only the operations it is for.
resource configSigningKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: vault
  name: configSigningKeyName
  properties: {
    kty: 'EC'
    curveName: 'P-256'
    keyOps: [
      'sign'
      'verify'
    ]
    attributes: {
      enabled: true
      exportable: false
    }
  }
}

resource dataKeyWrappingKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: vault
  name: dataKeyWrappingKeyName
  properties: {
    kty: 'RSA'
    keySize: 3072
    keyOps: [
      'wrapKey'
      'unwrapKey'
    ]
    attributes: {
      enabled: true
      exportable: false
    }
  }
}

output keyVaultName string = vault.name
output keyVaultUri string = vault.properties.vaultUri
