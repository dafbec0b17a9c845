// Static Web App (Standard, required for a linked backend) serving the SPA; /api/* is proxied to
// the function app.

@description('Static Web App region (the service is offered in a few regions only).')
param location string

@description('Static Web App name.')
param staticWebAppName string

@description('Function app linked as the /api backend.')
param functionAppName string

@description('Region of the function app.')
param functionAppLocation string

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource staticWebApp 'Microsoft.Web/staticSites@2024-04-01' = {
  name: staticWebAppName
  location: location
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    // Content is uploaded by infra/deploy.sh with the deployment token; no repository link.
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

resource backend 'Microsoft.Web/staticSites/linkedBackends@2024-04-01' = {
  parent: staticWebApp
  name: 'functions'
  properties: {
    backendResourceId: functionApp.id
    region: functionAppLocation
  }
}

output defaultHostName string = staticWebApp.properties.defaultHostname
