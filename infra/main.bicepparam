// Parameters for infra/main.bicep, read from environment variables so that no value (and no secret) is kept
// in the repository or typed on a command line:
//
//   export HH_CLIENT_ID=... HH_CLIENT_SECRET=... TELEGRAM_BOT_TOKEN=... TELEGRAM_CHAT_ID=...
//   az deployment group create --resource-group <rg> --parameters infra/main.bicepparam
//
// An unset or empty variable selects the template's default; for a secret it keeps the value
// already stored in Key Vault. The GitHub workflow (.github/workflows/deploy.yml) sets the same variables
// from repository secrets and variables.
using './main.bicep'

param appName = readEnvironmentVariable('HH_APP_NAME', '')

// hh.ru application (dev.hh.ru)
param hhClientId = readEnvironmentVariable('HH_CLIENT_ID', '')
param hhClientSecret = readEnvironmentVariable('HH_CLIENT_SECRET', '')
param hhUserAgent = readEnvironmentVariable('HH_USER_AGENT', '')
param hhRedirectUri = readEnvironmentVariable('HH_REDIRECT_URI', '')

// Telegram bot (@BotFather)
param telegramBotToken = readEnvironmentVariable('TELEGRAM_BOT_TOKEN', '')
param telegramChatId = readEnvironmentVariable('TELEGRAM_CHAT_ID', '')
param telegramWebhookSecret = readEnvironmentVariable('TELEGRAM_WEBHOOK_SECRET', '')
param telegramNotify = readEnvironmentVariable('TELEGRAM_NOTIFY', '')

// Bitrix24 incoming webhook (recruiting writes responses into the CRM; docs/bitrix24.md)
param bitrix24WebhookUrl = readEnvironmentVariable('BITRIX24_WEBHOOK_URL', '')
param bitrix24Entity = readEnvironmentVariable('BITRIX24_ENTITY', '')
param bitrix24OutgoingToken = readEnvironmentVariable('BITRIX24_OUTGOING_TOKEN', '')

// Recruiting (docs/recruiting.md): the secret part of the hh.ru webhook address, and the reconcile run's schedule
param recruitingWebhookKey = readEnvironmentVariable('RECRUITING_WEBHOOK_KEY', '')
param recruitingReconcileSchedule = readEnvironmentVariable('RECRUITING_RECONCILE_SCHEDULE', '')
// Stages both ways (docs/recruiting.md): the stage map and sync back from Bitrix24 to hh.ru
param recruitingStageMap = readEnvironmentVariable('RECRUITING_STAGE_MAP', '')
param recruitingSyncBack = readEnvironmentVariable('RECRUITING_SYNC_BACK', '')

// Raising resumes
param bumpSchedule = readEnvironmentVariable('BUMP_SCHEDULE', '')
param bumpResumeIds = readEnvironmentVariable('BUMP_RESUME_IDS', '')
param bumpMaxWait = readEnvironmentVariable('BUMP_MAX_WAIT', '')

// Vacancy watch (timer WatchVacancies)
param searchSchedule = readEnvironmentVariable('SEARCH_SCHEDULE', '')

param publicBaseUrl = readEnvironmentVariable('APP_PUBLIC_BASE_URL', '')

// Own PostgreSQL (docs/own-database.md): a secret, kept as the Key Vault secret Sql--ConnectionString
param sqlConnectionString = readEnvironmentVariable('SQL_CONNECTION_STRING', '')
