// Command kubedojo is a terminal learning lab for Kubernetes: lessons, a
// real local cluster, and a grader that watches the cluster as you work.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}
