#!/usr/bin/env bash
# shellgrade.sh: the grading method of the bash-verify peers (kubelings,
# Killercoda scenarios, CK-X): one `kubectl get … -o jsonpath` per check
# and a probe pod for HTTP. It grades the same checks as kubedojo for the
# two exercises bench.py uses, so that the benchmark compares methods, not
# check sets. Usage:
#   shellgrade.sh reset EXERCISE     set the exercise up from scratch (as the peers do)
#   shellgrade.sh grade EXERCISE     grade it; exit 0 when every check passes, 1 otherwise
#   shellgrade.sh record EXERCISE    record what "unchanged" checks compare with (after another reset)
# KUBECONFIG selects the cluster.
set -u
cmd=${1:?usage: shellgrade.sh reset|grade EXERCISE}
ex=${2:?usage: shellgrade.sh reset|grade EXERCISE}
state=${SHELLGRADE_STATE:-${TMPDIR:-/tmp}/shellgrade}
mkdir -p "$state"
fails=0
check() { # check TITLE EXPECTED ACTUAL
	if [[ "$3" == "$2" ]]; then echo "  ✓ $1"; else echo "  ✗ $1 (expected '$2', found '$3')"; fails=$((fails + 1)); fi
}
get() { kubectl get "$@" 2>/dev/null; }

case "$ex" in
pods-basics/first-pod)
	ns=pod-1
	case "$cmd" in
	reset)
		kubectl delete namespace "$ns" --ignore-not-found --wait >/dev/null
		kubectl create namespace "$ns" >/dev/null
		;;
	grade)
		check "pod web exists" web "$(get -n $ns pod web -o jsonpath='{.metadata.name}')"
		check "container web runs nginx:1.27" nginx:1.27 "$(get -n $ns pod web -o jsonpath='{.spec.containers[?(@.name=="web")].image}')"
		check "pod web has label app=web" web "$(get -n $ns pod web -o jsonpath='{.metadata.labels.app}')"
		check "container web declares port 80" 80 "$(get -n $ns pod web -o jsonpath='{.spec.containers[?(@.name=="web")].ports[*].containerPort}')"
		check "pod web is Running and Ready" "Running True" "$(get -n $ns pod web -o jsonpath='{.status.phase} {.status.conditions[?(@.type=="Ready")].status}')"
		;;
	esac
	;;
services/fix-selector)
	ns=svc-4
	case "$cmd" in
	reset)
		kubectl delete namespace "$ns" --ignore-not-found --wait >/dev/null
		kubectl create namespace "$ns" >/dev/null
		kubectl -n "$ns" apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: catalog, labels: {app: catalog}}
spec:
  replicas: 2
  selector: {matchLabels: {app: catalog, tier: api}}
  template:
    metadata: {labels: {app: catalog, tier: api}}
    spec: {containers: [{name: nginx, image: nginx:1.27, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: catalog}
spec:
  selector: {app: catalog, tier: backend}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {role: client}}
spec:
  terminationGracePeriodSeconds: 1
  containers: [{name: client, image: busybox:1.36, command: [sleep, "36000"]}]
EOF
		kubectl -n "$ns" rollout status deployment/catalog --timeout=120s >/dev/null
		kubectl -n "$ns" wait pod/client --for=condition=Ready --timeout=60s >/dev/null
		"$0" record "$ex"
		;;
	record)
		# What the "unchanged" checks compare with.
		get -n $ns deployment catalog -o jsonpath='{.metadata.uid} {.metadata.generation}' >"$state/deployment"
		get -n $ns service catalog -o jsonpath='{.metadata.uid}' >"$state/service"
		;;
	grade)
		check "Deployment catalog is unchanged" "$(cat "$state/deployment" 2>/dev/null)" "$(get -n $ns deployment catalog -o jsonpath='{.metadata.uid} {.metadata.generation}')"
		check "Service catalog was edited in place" "$(cat "$state/service" 2>/dev/null)" "$(get -n $ns service catalog -o jsonpath='{.metadata.uid}')"
		check "catalog routes to both catalog pods" "app=catalog tier=api 2" "$(get -n $ns service catalog -o jsonpath='app={.spec.selector.app} tier={.spec.selector.tier}') $(get -n $ns endpointslices -l kubernetes.io/service-name=catalog -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}x{end}' | tr -d '\n' | wc -c)"
		probe=probe-$$-$RANDOM
		body=$(kubectl -n $ns run "$probe" --rm -i --quiet --restart=Never --image=busybox:1.36 --image-pull-policy=IfNotPresent -- wget -qO- -T 3 http://catalog 2>/dev/null)
		check "client reaches http://catalog" yes "$([[ "$body" == *"Welcome to nginx"* ]] && echo yes || echo no)"
		;;
	esac
	;;
*)
	echo "shellgrade.sh knows pods-basics/first-pod and services/fix-selector" >&2
	exit 64
	;;
esac
[[ "$cmd" == grade ]] && exit $((fails > 0))
exit 0
