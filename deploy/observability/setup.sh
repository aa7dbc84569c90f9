#!/bin/sh
# Loads what Elasticsearch and Kibana need for the platform's logs, once they are up:
# the 7-day ILM policy, the index template (Logstash also installs it) and the Kibana saved
# objects (data view tmf-logs-*, searches, visualizations, the "TMF platform logs" dashboard).
#
#   ELASTICSEARCH_URL=http://127.0.0.1:9200 KIBANA_URL=http://127.0.0.1:5601 deploy/observability/setup.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
es=${ELASTICSEARCH_URL:-http://127.0.0.1:9200}
kb=${KIBANA_URL:-http://127.0.0.1:5601}

curl -fsS -X PUT "$es/_ilm/policy/tmf-logs" -H 'Content-Type: application/json' \
  --data-binary "@$here/elasticsearch/tmf-logs-ilm.json" >/dev/null
curl -fsS -X PUT "$es/_index_template/tmf-logs" -H 'Content-Type: application/json' \
  --data-binary "@$here/elasticsearch/tmf-logs-template.json" >/dev/null
curl -fsS -X POST "$kb/api/saved_objects/_import?overwrite=true" -H 'kbn-xsrf: true' \
  --form "file=@$here/kibana/saved-objects.ndjson" >/dev/null
echo "observability: ILM policy, index template and Kibana saved objects loaded"
