package governance

import (
	"fmt"
	"math"
	"net/http"
)

// SetRewardFactor makes reward events pay neuron factor times what the
// formula gives it (1 restores the real canister's behaviour). It exists
// for tests of the reward audit: the real canister never underpays, so an
// audit that always says "ok" would prove nothing without it.
func (c *Canister) SetRewardFactor(neuron uint64, factor float64) error {
	if math.IsNaN(factor) || factor < 0 || factor > 1 {
		return fmt.Errorf("reward factor %v: want a number from 0 to 1", factor)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byID[neuron] == nil {
		return fmt.Errorf("neuron %d not found", neuron)
	}
	if c.rewardFactor == nil {
		c.rewardFactor = map[uint64]float64{}
	}
	if factor == 1 {
		delete(c.rewardFactor, neuron)
	} else {
		c.rewardFactor[neuron] = factor
	}
	return nil
}

// paidLocked is what an event credits neuron of the e8s the formula gives.
func (c *Canister) paidLocked(neuron, e8s uint64) uint64 {
	f, ok := c.rewardFactor[neuron]
	if !ok {
		return e8s
	}
	return uint64(math.Floor(float64(e8s) * f))
}

// adminRewardFactor: POST /_/devnet/neurons/{id}/reward-factor {"factor": 0.5}.
func (c *Canister) adminRewardFactor(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	var req struct {
		Factor *float64 `json:"factor"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if req.Factor == nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("factor: required, a number from 0 to 1"))
		return
	}
	if err := c.SetRewardFactor(id, *req.Factor); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]float64{"factor": *req.Factor})
}
