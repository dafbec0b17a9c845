// Puts the function package on the app with one deploy, the deployment method of the Flex
// Consumption plan ("Deployment package" in
// https://learn.microsoft.com/azure/azure-functions/functions-infrastructure-as-code?pivots=flex-consumption-plan).
// The platform fetches packageUri, stores it in the app's deployment container and starts the app on it.

@description('Function app to deploy to.')
param functionAppName string

@description('Public URL of the zip package (a release asset, or a blob with a SAS).')
param packageUri string

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource oneDeploy 'Microsoft.Web/sites/extensions@2024-04-01' = {
  parent: site
  name: 'onedeploy'
  // The type definition lists no properties for onedeploy; packageUri and remoteBuild are the ones
  // the Flex Consumption documentation gives.
  #disable-next-line BCP187
  properties: {
    packageUri: packageUri
    remoteBuild: false
  }
}
