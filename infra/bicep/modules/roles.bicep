// Least-privilege data-plane roles for the function app's system-assigned identity, each scoped
// to the one resource it is needed on (never the resource group or subscription). Management
// roles (Owner, Contributor) are never granted: the app has no business changing its own
// infrastructure. Role definition ids are Azure's fixed built-in ids. Assignment names include the
// principal id: a recreated app has a new identity, and an assignment name is bound to its principal
// for good, so a name without it would make the redeploy fail (RoleAssignmentUpdateNotPermitted).

@description('Object id of the function app\'s system-assigned identity.')
param appPrincipalId string

@description('Storage account the app uses.')
param storageAccountName string

@description('Key Vault the app uses.')
param keyVaultName string

@description('Name of the setup-token secret in the vault.')
param setupTokenSecretName string

@description('Object id that may read the setup-token secret (the deploying operator); empty for nobody.')
param setupTokenReaderObjectId string

var roles = {
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  keyVaultCryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424'
  keyVaultCertificatesOfficer: 'a4417e6f-fecd-4de8-b567-7b0420556985'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName

  resource setupTokenSecret 'secrets' existing = {
    name: setupTokenSecretName
  }
}

// Tables hold all control-plane state (nodes, peers, leases, sessions, audit, ...): the app
// reads, inserts, updates and deletes entities. Table Data Reader would not allow writes.
resource tableData 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Queues: the app creates and deletes node-<id> queues at run time, sets their stored access
// policies, sends desired-state notifications, and the host's queue trigger consumes `reports`
// (read, delete, poison queue). Account scope because node queues do not exist at deploy time.
resource queueData 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Blobs: desired-state documents (read/write, container access policies for node SAS), the
// Functions host's own containers (timer leases, host keys) and the Flex deployment package,
// which the platform reads and writes through this identity. Owner, not Contributor: it is the
// role the Functions docs name for identity-based host storage
// (https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity)
// and the one the Flex Consumption samples grant for the deployment container.
resource blobData 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Crypto User: read public keys, `sign` with the non-exportable CA and config-signing keys, and
// wrap/unwrap the TOTP data key with the data-key wrapping key. It cannot create, delete, export
// or purge keys, which is why the deployment creates the two keys the app needs (keyvault.bicep).
resource cryptoUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultCryptoUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultCryptoUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Certificates Officer: on first start the app creates the root CA (self-signed) and the fleet
// CA (CSR signed by the root, then merged) as Key Vault certificates, which creates their
// non-exportable keys. No narrower built-in role allows create + merge.
resource certificatesOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultCertificatesOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultCertificatesOfficer)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Secrets User: read (never write) the storage account key that signs node SAS tokens and the
// setup token. Both secrets are written by this deployment, so the app needs no write access.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The operator who deployed may read the setup token, and only that one secret, so they can
// create the first owner account (infra/README.md, "First login").
resource setupTokenReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(setupTokenReaderObjectId)) {
  name: guid(vault::setupTokenSecret.id, setupTokenReaderObjectId, roles.keyVaultSecretsUser)
  scope: vault::setupTokenSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: setupTokenReaderObjectId
  }
}
