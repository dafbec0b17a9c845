#!/bin/sh
# Azure Functions custom handler entry point (host.json description.defaultExecutablePath). The host sets
# FUNCTIONS_CUSTOMHANDLER_PORT; the app listens there on loopback and stands its local timer host down.
cd "$(dirname "$0")" || exit 1
exec ./CloudWg.Functions "$@"
