// Package class runs a kubedojo class on a shared cluster: what an
// instructor who is cluster-admin creates for each learner, and removes
// again, without touching anything else on the cluster.
//
// A class is a namespace of its own, kubedojo-class-NAME, holding the class
// record (ConfigMap "class"), one ServiceAccount and one progress record
// (ConfigMap "progress-LEARNER") per learner, and the Roles that let each
// learner update only their own record. Each learner gets one namespace
// per exercise namespace of the selected exercises ("svc-3" becomes
// "alice-svc-3"), labelled with the class and the learner, enforcing Pod
// Security "baseline", with a ResourceQuota, a LimitRange, a NetworkPolicy
// that admits traffic only from the same learner's namespaces, and a
// RoleBinding of the learner's ServiceAccount to a Role limited to that
// namespace. A ValidatingAdmissionPolicy of the class (guard.go) keeps
// learners from changing or deleting the fence, the Role and the
// RoleBinding in their namespaces. Learners reach the cluster through
// kubeconfig files holding TokenRequest tokens that expire with the class.
//
// The records are ConfigMaps rather than a custom resource so that a class
// needs nothing installed cluster-wide: a CRD would outlive every class,
// need its own upgrade story, and be refused on managed clusters where the
// instructor may create namespaces but not extend the API. One namespace
// per class makes the board a single watch, lets RBAC name each record by
// resourceNames, and makes "everything the class created" a short list:
// the class namespace, the learner namespaces it records, and the
// admission policy with its binding.
package class
