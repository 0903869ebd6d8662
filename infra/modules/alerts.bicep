// Azure Monitor alert rules and the service's workbook, over Application Insights.
//
// The rules are log search alerts (scheduled query rules) over the `traces` the service writes: its
// signal lines `SYNC_SIGNAL {"signal":"<name>",...}` (lib/monitoring/signals.ts). Storage's own queue
// metrics cannot tell one queue from another (QueueMessageCount has no queue dimension:
// https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-storage-storageaccounts-queueservices-metrics),
// and drive status or credential expiry exist only in the service's tables, so the service reports
// them itself every 15 minutes (functions/serviceSignals.ts) and on each run and throttle.
// Resource shapes: https://learn.microsoft.com/azure/templates/microsoft.insights/scheduledqueryrules
// (2023-12-01) and https://learn.microsoft.com/azure/templates/microsoft.insights/workbooks (2023-06-01).

@description('Prefix of the rule names (one set per deployment).')
param namePrefix string

@description('Application Insights component the rules query and the workbook reads.')
param appInsightsName string

@description('Azure region.')
param location string

@description('Tags applied to every rule and the workbook.')
param tags object

@description('Resource id of an action group the alerts notify (e-mail, Teams, a webhook…); empty: they fire in the portal only.')
param actionGroupId string = ''

@description('Failed sync runs within an hour that raise the failed-runs alert.')
@minValue(1)
param failedRunsThreshold int = 5

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

var actions = empty(actionGroupId)
  ? {}
  : {
      actionGroups: [
        actionGroupId
      ]
    }

// Host-side retries (maxDequeueCount) are spent: a file or a drive's sync stopped until someone looks.
resource poisonMessages 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-poison-messages'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Sync service: messages in a poison queue'
    description: 'A sync or transfer message failed every delivery and sits in <queue>-poison (signal poison_queue, every 15 minutes). Replay failed transfers with POST /api/drives/{driveId}/transfers/{transferId}/replay once the cause is fixed.'
    severity: 1
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT30M'
    criteria: {
      allOf: [
        {
          query: '''
traces
| where message startswith "SYNC_SIGNAL "
| extend s = parse_json(substring(message, 12))
| where tostring(s.signal) == "poison_queue"
| summarize arg_max(timestamp, s) by queue = tostring(s.queue)
| extend messages = toint(s.messages)
| where messages > 0
| project queue, messages
'''
          timeAggregation: 'Count'
          dimensions: [
            {
              name: 'queue'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: actions
  }
}

// The drive stopped syncing until it is reconnected (README "Drives that never disconnect silently").
resource driveSignIn 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-drive-needs-reauth'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Sync service: a drive needs reauthentication or lost access'
    description: 'The latest drive_status signal of a drive says needs_reauth or access_lost. Reconnect it with POST /api/drives/{driveId}/reconnect.'
    severity: 1
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: '''
traces
| where message startswith "SYNC_SIGNAL "
| extend s = parse_json(substring(message, 12))
| where tostring(s.signal) == "drive_status"
| summarize arg_max(timestamp, s) by driveId = tostring(s.driveId)
| extend status = tostring(s.status)
| where status in ("needs_reauth", "access_lost")
| project driveId, status
'''
          timeAggregation: 'Count'
          dimensions: [
            {
              name: 'driveId'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: actions
  }
}

// Entra stops accepting an expired secret or certificate (AADSTS7000222): every drive stops.
resource credentialExpiry 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-credential-expiry'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Sync service: a credential expires within 14 days'
    description: 'A client secret or certificate in use expires within 14 days (signal credential_expiry). Add a new one with POST /api/manage/integration/credentials and promote it.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT2H'
    criteria: {
      allOf: [
        {
          query: '''
traces
| where message startswith "SYNC_SIGNAL "
| extend s = parse_json(substring(message, 12))
| where tostring(s.signal) == "credential_expiry"
| summarize arg_max(timestamp, s) by credentialId = tostring(s.credentialId)
| extend daysLeft = toint(s.daysLeft)
| where daysLeft <= 14
| project credentialId, daysLeft
'''
          timeAggregation: 'Count'
          dimensions: [
            {
              name: 'credentialId'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: actions
  }
}

resource failedRuns 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-failed-runs'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Sync service: failed sync runs'
    description: 'At least failedRunsThreshold sync runs failed within an hour (signal run_finished, status failed). GET /api/drives/{driveId}/runs names the error and its hint.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: '''
traces
| where message startswith "SYNC_SIGNAL "
| extend s = parse_json(substring(message, 12))
| where tostring(s.signal) == "run_finished" and tostring(s.status) == "failed"
| project timestamp, driveId = tostring(s.driveId), runId = tostring(s.runId)
'''
          timeAggregation: 'Count'
          operator: 'GreaterThanOrEqual'
          threshold: failedRunsThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: actions
  }
}

// Sustained: throttled in at least 4 of the last 6 five-minute windows, not one burst that Retry-After absorbs.
resource sustainedThrottling 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-sustained-throttling'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Sync service: sustained Graph throttling'
    description: 'Graph or SharePoint answered 429 (or 503 with Retry-After) in at least 4 of the last 6 five-minute windows (signal throttled). Syncs slow down; check other apps of the tenant and the drive schedules.'
    severity: 3
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: '''
traces
| where message startswith "SYNC_SIGNAL "
| extend s = parse_json(substring(message, 12))
| where tostring(s.signal) == "throttled"
| project timestamp, tenantId = tostring(s.tenantId), retryAfterSeconds = toint(s.retryAfterSeconds)
'''
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 6
            minFailingPeriodsToAlert: 4
          }
        }
      ]
    }
    autoMitigate: true
    actions: actions
  }
}

var signals = 'traces | where message startswith "SYNC_SIGNAL " | extend s = parse_json(substring(message, 12))'

// Workbook items: KqlItem queries over the component (resourceType microsoft.insights/components).
var workbookQueries = [
  {
    title: 'Sync runs by outcome (per hour)'
    query: '${signals} | where tostring(s.signal) == "run_finished" | summarize runs = count() by status = tostring(s.status), bin(timestamp, 1h)'
    visualization: 'timechart'
  }
  {
    title: 'Drives by status (latest)'
    query: '${signals} | where tostring(s.signal) == "drive_status" | summarize arg_max(timestamp, s) by driveId = tostring(s.driveId) | summarize drives = count() by status = tostring(s.status)'
    visualization: 'piechart'
  }
  {
    title: 'Messages in poison queues'
    query: '${signals} | where tostring(s.signal) == "poison_queue" | summarize messages = max(toint(s.messages)) by queue = tostring(s.queue), bin(timestamp, 15m)'
    visualization: 'timechart'
  }
  {
    title: 'Credentials: days left'
    query: '${signals} | where tostring(s.signal) == "credential_expiry" | summarize arg_max(timestamp, s) by credentialId = tostring(s.credentialId) | project credentialId, kind = tostring(s.kind), state = tostring(s.state), expiresOn = tostring(s.expiresOn), daysLeft = toint(s.daysLeft) | order by daysLeft asc'
    visualization: 'table'
  }
  {
    title: 'Graph throttling (answers per 5 minutes, and Retry-After seconds)'
    query: '${signals} | where tostring(s.signal) == "throttled" | summarize throttles = count(), retryAfterSeconds = sum(toint(s.retryAfterSeconds)) by bin(timestamp, 5m)'
    visualization: 'timechart'
  }
  {
    title: 'Run duration (p50, p95, ms)'
    query: '${signals} | where tostring(s.signal) == "run_finished" | summarize p50 = percentile(toint(s.durationMs), 50), p95 = percentile(toint(s.durationMs), 95) by bin(timestamp, 1h)'
    visualization: 'timechart'
  }
  {
    title: 'Service metrics (files, bytes, Graph requests, delays: customMetrics, per hour)'
    query: 'customMetrics | summarize total = sum(valueSum) by name, bin(timestamp, 1h)'
    visualization: 'timechart'
  }
  {
    title: 'HTTP requests and failures (per hour)'
    query: 'requests | summarize requests = count(), failures = countif(success == false) by bin(timestamp, 1h)'
    visualization: 'timechart'
  }
]

var workbookContent = {
  version: 'Notebook/1.0'
  items: concat(
    [
      {
        type: 1
        content: {
          json: '## SharePoint & OneDrive sync\nRuns, drives, poison queues, credentials and throttling, from the service\'s signal lines (SYNC_SIGNAL) and metrics.'
        }
        name: 'header'
      }
    ],
    map(range(0, length(workbookQueries)), i => {
      type: 3
      content: {
        version: 'KqlItem/1.0'
        query: workbookQueries[i].query
        size: 0
        title: workbookQueries[i].title
        timeContext: {
          durationMs: 86400000
        }
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: workbookQueries[i].visualization
      }
      name: 'query-${i}'
    })
  )
  isLocked: false
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID; stable per deployment.
  name: guid(resourceGroup().id, namePrefix, 'sync-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'SharePoint & OneDrive sync'
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: string(workbookContent)
  }
}

@description('Names of the alert rules.')
output ruleNames array = [
  poisonMessages.name
  driveSignIn.name
  credentialExpiry.name
  failedRuns.name
  sustainedThrottling.name
]
