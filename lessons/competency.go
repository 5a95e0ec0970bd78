package lessons

import (
	"sort"
	"strings"
)

// Competency is one competency of the CKA curriculum (v1.35, unchanged
// since the revision of 2025-02-18), or one of the two background topics
// the course still teaches. Exercises name theirs in the "competency"
// field so that coverage can be measured against the exam.
type Competency struct {
	// ID is kubedojo's short id ("arch-rbac").
	ID string `json:"id"`
	// Domain is the CKA domain the competency belongs to.
	Domain Domain `json:"domain"`
	// Title paraphrases the curriculum's wording.
	Title string `json:"title"`
}

// Competencies lists the CKA v1.35 competencies in curriculum order, then
// the background topics the 2025 curriculum no longer names.
var Competencies = []Competency{
	{"arch-rbac", DomainArchitecture, "manage role-based access control"},
	{"arch-infra", DomainArchitecture, "prepare the infrastructure a cluster is installed on (runtime, kernel settings, ports)"},
	{"arch-kubeadm", DomainArchitecture, "create and manage clusters with kubeadm (init, join, tokens, certificates, configuration)"},
	{"arch-lifecycle", DomainArchitecture, "manage the cluster lifecycle (upgrades, version skew, node maintenance)"},
	{"arch-ha", DomainArchitecture, "implement and configure a highly available control plane"},
	{"arch-helm-kustomize", DomainArchitecture, "install cluster components with Helm and Kustomize"},
	{"arch-interfaces", DomainArchitecture, "understand the extension interfaces: CNI, CSI, CRI"},
	{"arch-crd-operators", DomainArchitecture, "understand CRDs, install and configure operators"},
	{"wl-deploy", DomainWorkloads, "deployments, rolling updates and rollbacks"},
	{"wl-config", DomainWorkloads, "configure applications with ConfigMaps and Secrets"},
	{"wl-autoscale", DomainWorkloads, "configure workload autoscaling"},
	{"wl-selfheal", DomainWorkloads, "primitives for robust, self-healing deployments (probes, restarts, controllers, disruption budgets)"},
	{"wl-admission-scheduling", DomainWorkloads, "Pod admission and scheduling (requests and limits, quotas, affinity, taints, priorities)"},
	{"net-connectivity", DomainNetworking, "connectivity between pods"},
	{"net-policy", DomainNetworking, "define and enforce NetworkPolicies"},
	{"net-services", DomainNetworking, "ClusterIP, NodePort and LoadBalancer Services and their endpoints"},
	{"net-gateway", DomainNetworking, "manage ingress traffic with the Gateway API"},
	{"net-ingress", DomainNetworking, "Ingress controllers and Ingress resources"},
	{"net-dns", DomainNetworking, "understand and use CoreDNS"},
	{"sto-classes", DomainStorage, "storage classes and dynamic provisioning"},
	{"sto-volumes", DomainStorage, "volume types, access modes and reclaim policies"},
	{"sto-pv-pvc", DomainStorage, "persistent volumes and claims"},
	{"ts-nodes", DomainTroubleshooting, "troubleshoot clusters and nodes (NotReady nodes, kubelet, runtime)"},
	{"ts-components", DomainTroubleshooting, "troubleshoot cluster components (API server, scheduler, controller manager, etcd, CoreDNS, kube-proxy)"},
	{"ts-monitoring", DomainTroubleshooting, "monitor cluster and application resource usage"},
	{"ts-logs", DomainTroubleshooting, "manage and evaluate container output streams"},
	{"ts-services-networking", DomainTroubleshooting, "troubleshoot services and networking"},
	{"etcd-backup", DomainBackground, "etcd backup and restore (no longer named by the curriculum)"},
	{"containers-docker", DomainBackground, "container and Docker basics (no longer named by the curriculum)"},
}

// DomainWeights are the CKA's domain weights in percent; background
// material weighs nothing.
var DomainWeights = map[Domain]int{
	DomainTroubleshooting: 30,
	DomainArchitecture:    25,
	DomainNetworking:      20,
	DomainWorkloads:       15,
	DomainStorage:         10,
}

// CompetencyByID finds a competency; ok is false for an unknown id.
func CompetencyByID(id string) (Competency, bool) {
	for _, c := range Competencies {
		if c.ID == id {
			return c, true
		}
	}
	return Competency{}, false
}

func competencyIDs() []string {
	ids := make([]string, len(Competencies))
	for i, c := range Competencies {
		ids[i] = c.ID
	}
	return ids
}

func competencyList() string {
	ids := competencyIDs()
	sort.Strings(ids)
	return strings.Join(ids, ", ")
}
