package checks

import (
	"time"

	"github.com/kubedojo/kubedojo/lessons"
)

// nodeCheckTimeout is a node check's default time limit: its command runs
// through the container engine (docker exec), which a loaded machine
// slows far beyond an API read.
const nodeCheckTimeout = 30 * time.Second

// sampleRequestTime is what one request of an HTTP sample may add to a
// check's time limit: a wget in the cluster takes milliseconds, the rest
// is room for a loaded machine.
const sampleRequestTime = 200 * time.Millisecond

// checkTimeout is how long a top-level check may take, from base (the
// environment's limit for one check): repeated commands get base per run,
// HTTP checks the time of two wget timeouts more (samples a slice per
// request), node checks their own
// timeout or nodeCheckTimeout, and allOf/anyOf the longest of their
// children's.
func checkTimeout(c *lessons.Check, base time.Duration) time.Duration {
	t := base
	switch {
	case c.Exec != nil && c.Exec.Repeat > 1:
		t = base * time.Duration(c.Exec.Repeat)
	case c.HTTP != nil && c.HTTP.Sample != nil:
		// A sample's requests run one after another in the client pod.
		t = base + time.Duration(c.HTTP.Sample.Requests)*sampleRequestTime
	case c.HTTP != nil:
		t = base + 10*time.Second // blocked checks wait for two wget timeouts
	case c.Node != nil && c.Node.Timeout.Duration > 0:
		t = c.Node.Timeout.Duration
	case c.Node != nil:
		t = max(base, nodeCheckTimeout)
	}
	for _, children := range [][]lessons.Check{c.AllOf, c.AnyOf} {
		for i := range children {
			t = max(t, checkTimeout(&children[i], base))
		}
	}
	return t
}
