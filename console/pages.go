package console

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
)

// page is what every template gets.
type page struct {
	Title    string
	Nav      string // the active tab
	LoggedIn bool
	CSRF     string // the session's CSRF token (or the login form's)
	Error    string
	Notice   string
	Now      time.Time
	Data     any
}

var pageNames = []string{"overview", "proposals", "proposal", "history", "login", "error"}

func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("console templates: %w", err)
	}
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("console template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes a page into a buffer first, so a template error never sends half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	if _, sess, ok := s.currentSession(r); ok {
		p.LoggedIn, p.CSRF = true, sess.csrf
	}
	p.Now = s.opts.Now()
	var buf bytes.Buffer
	if err := s.pages[name].Execute(&buf, p); err != nil {
		s.opts.Logf("console: render %s: %v", name, err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "error", page{Title: http.StatusText(status), Error: msg})
}

// sourceError shows a failure of the daemon's state without its internals going anywhere but
// the page of the operator who asked.
func (s *server) sourceError(w http.ResponseWriter, r *http.Request, what string, err error) {
	if errors.Is(err, ErrNotFound) {
		s.renderError(w, r, http.StatusNotFound, what+": not found.")
		return
	}
	s.renderError(w, r, http.StatusServiceUnavailable, what+": "+err.Error())
}

func (s *server) overview(w http.ResponseWriter, r *http.Request) {
	ov, err := s.opts.Source.Overview(r.Context())
	if err != nil {
		s.sourceError(w, r, "overview", err)
		return
	}
	s.render(w, r, http.StatusOK, "overview", page{Title: "Overview", Nav: "overview", Data: ov})
}

type proposalsData struct {
	Proposals []Proposal
	Filter    Filter
	Topics    []topicCount // the topics of the open proposals, for the filter
	DAOs      []daoCount   // the governances of the open proposals, when an SNS has some
	Total     int          // open proposals in all topics
}

// daoCount is one choice of the DAO filter: a governance (Value DAONNS for the NNS, else the
// SNS's root) and its open proposals.
type daoCount struct {
	Value, Name string
	Count       int
}

// topicCount is one choice of the topic filter: a topic and its open proposals.
type topicCount struct {
	Topic nns.Topic
	Count int
}

func (s *server) proposals(w http.ResponseWriter, r *http.Request) {
	var f Filter
	if t := r.URL.Query().Get("topic"); t != "" {
		topic, err := nns.ParseTopic(t)
		if err != nil {
			s.renderError(w, r, http.StatusBadRequest, "Unknown topic.")
			return
		}
		f.Topic = topic
	}
	f.NeedsMe = r.URL.Query().Get("needs") == "me"
	if d := r.URL.Query().Get("dao"); d != "" {
		if d != DAONNS && !validRoot(d) {
			s.renderError(w, r, http.StatusBadRequest, "Unknown DAO.")
			return
		}
		f.DAO = d
	}
	all, err := s.opts.Source.OpenProposals(r.Context())
	if err != nil {
		s.sourceError(w, r, "open proposals", err)
		return
	}
	var list []Proposal
	for _, p := range all {
		if (f.Topic == nns.TopicUnspecified || p.Topic == f.Topic) && (!f.NeedsMe || p.NeedsHuman()) && f.keepsDAO(p) {
			list = append(list, p)
		}
	}
	s.render(w, r, http.StatusOK, "proposals", page{Title: "Open proposals", Nav: "proposals",
		Data: proposalsData{Proposals: list, Filter: f, Topics: topicsOf(all), DAOs: daosOf(all), Total: len(all)}})
}

// keepsDAO reports whether the DAO filter keeps p.
func (f Filter) keepsDAO(p Proposal) bool {
	switch f.DAO {
	case "":
		return true
	case DAONNS:
		return p.Root == ""
	}
	return p.Root == f.DAO
}

// daosOf counts the proposals of each governance, the NNS first, then the DAOs by name; none
// when every proposal is the NNS's (the filter would offer one choice).
func daosOf(ps []Proposal) []daoCount {
	var out []daoCount
	index := map[string]int{}
	for _, p := range ps {
		v := p.Root
		if v == "" {
			v = DAONNS
		}
		i, ok := index[v]
		if !ok {
			i = len(out)
			index[v] = i
			out = append(out, daoCount{Value: v, Name: p.Governance()})
		}
		out[i].Count++
	}
	if _, nnsOnly := index[DAONNS]; len(out) == 0 || (nnsOnly && len(out) == 1) {
		return nil
	}
	slices.SortStableFunc(out, func(a, b daoCount) int {
		if (a.Value == DAONNS) != (b.Value == DAONNS) {
			if a.Value == DAONNS {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// validRoot reports whether s may be a root canister id in principal text: lower-case letters,
// digits and dashes. It never reaches a page or a store unchecked.
func validRoot(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// topicsOf counts the proposals of each topic, in the order of nns.Topics.
func topicsOf(ps []Proposal) []topicCount {
	n := map[nns.Topic]int{}
	for _, p := range ps {
		n[p.Topic]++
	}
	var out []topicCount
	for _, t := range nns.Topics() {
		if n[t] > 0 {
			out = append(out, topicCount{t, n[t]})
		}
	}
	return out
}

// notices are the fixed messages a redirect after a decision may show (never text from the URL).
var notices = map[string]string{
	"recorded": "Decision recorded. votebot votes at its next pass.",
	"cleared":  "Override cleared. The rules decide again.",
}

// proposalRef is the proposal a path names: its governance (root "" for the NNS, from
// /proposal/ID; an SNS's root from /sns/ROOT/proposal/ID) and id.
type proposalRef struct {
	Root string
	ID   uint64
}

// path is the proposal's page.
func (ref proposalRef) path() string { return Proposal{Root: ref.Root, ID: ref.ID}.Path() }

func proposalID(r *http.Request) (proposalRef, bool) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	root := r.PathValue("root")
	return proposalRef{Root: root, ID: id}, err == nil && id > 0 && (root == "" || validRoot(root))
}

func (s *server) proposal(w http.ResponseWriter, r *http.Request) {
	ref, ok := proposalID(r)
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "No such proposal.")
		return
	}
	s.showProposal(w, r, ref, http.StatusOK, notices[r.URL.Query().Get("done")], "")
}

func (s *server) showProposal(w http.ResponseWriter, r *http.Request, ref proposalRef, status int, notice, errMsg string) {
	p, err := s.opts.Source.Proposal(r.Context(), ref.Root, ref.ID)
	if err != nil {
		s.sourceError(w, r, "proposal "+strconv.FormatUint(ref.ID, 10), err)
		return
	}
	s.renderProposal(w, r, p, status, notice, errMsg)
}

func (s *server) renderProposal(w http.ResponseWriter, r *http.Request, p Proposal, status int, notice, errMsg string) {
	title := "Proposal " + strconv.FormatUint(p.ID, 10)
	if p.Root != "" {
		title = p.Governance() + " proposal " + strconv.FormatUint(p.ID, 10)
	}
	s.render(w, r, status, "proposal", page{Title: title, Nav: "proposals", Notice: notice, Error: errMsg, Data: p})
}

// decision reads the neuron ("all" or an id) and vote of a decide or clear form.
func decision(r *http.Request) (neuron uint64, vote nns.Vote, err error) {
	if n := r.PostFormValue("neuron"); n != "all" {
		if neuron, err = strconv.ParseUint(n, 10, 64); err != nil || neuron == 0 {
			return 0, 0, errors.New("the form names no neuron")
		}
	}
	switch strings.ToLower(r.PostFormValue("vote")) {
	case "yes":
		vote = nns.VoteYes
	case "no":
		vote = nns.VoteNo
	}
	return neuron, vote, nil
}

func (s *server) decide(w http.ResponseWriter, r *http.Request, _ string) {
	ref, ok := proposalID(r)
	neuron, vote, err := decision(r)
	if !ok || err != nil || vote == nns.VoteUnspecified {
		s.renderError(w, r, http.StatusBadRequest, "The decision form is incomplete.")
		return
	}
	s.afterChange(w, r, ref, "recorded", s.opts.Source.Decide(r.Context(), ref.Root, ref.ID, neuron, vote))
}

func (s *server) clear(w http.ResponseWriter, r *http.Request, _ string) {
	ref, ok := proposalID(r)
	neuron, _, err := decision(r)
	if !ok || err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The form is incomplete.")
		return
	}
	s.afterChange(w, r, ref, "cleared", s.opts.Source.ClearOverride(r.Context(), ref.Root, ref.ID, neuron))
}

// afterChange redirects after a successful POST (so a reload does not send it again) and shows
// the proposal with the reason when the decision could not apply.
func (s *server) afterChange(w http.ResponseWriter, r *http.Request, ref proposalRef, done string, err error) {
	switch {
	case err == nil:
		http.Redirect(w, r, ref.path()+"?done="+done, http.StatusSeeOther)
	case alert.IsStaleDecision(err):
		msg := "Not recorded: " + err.Error() + "."
		p, perr := s.opts.Source.Proposal(r.Context(), ref.Root, ref.ID)
		if perr != nil {
			s.renderError(w, r, http.StatusConflict, msg) // a proposal the daemon no longer lists
			return
		}
		s.renderProposal(w, r, p, http.StatusConflict, "", msg)
	default:
		s.showProposal(w, r, ref, http.StatusInternalServerError, "", "Could not record the decision: "+err.Error())
	}
}

type historyData struct {
	History
	Chart chart
}

func (s *server) history(w http.ResponseWriter, r *http.Request) {
	h, err := s.opts.Source.History(r.Context())
	if err != nil {
		s.sourceError(w, r, "history", err)
		return
	}
	s.render(w, r, http.StatusOK, "history", page{Title: "History", Nav: "history",
		Data: historyData{History: h, Chart: newChart(h.Participation)}})
}
