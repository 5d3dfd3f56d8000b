package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/begira/begira/internal/snapshot"
)

// The weekly signal digest: approved signals of one ISO week grouped by
// term, as a page and in the API.

// digestPageView is the weekly signal digest.
type digestPageView struct {
	page
	Digest *digestView
}

// digestView is the weekly digest with its window in the reader's terms.
type digestView struct {
	*snapshot.Digest
	First, Last string // the first and the last day included
	TotalText   string // Total, written the reader's way
	Groups      []digestGroupView
	Week        string // the week shown, 2026-W44
	WeekText    string // the same in words, with its days
	PrevLink    string
	NextLink    string // "" for the current week: the future has no signals
	Weeks       []filterOption
}

type digestGroupView struct {
	Scheme, Term string
	Count        int
	Signals      []snapshot.DigestSignal
}

// digestPage shows the weekly digest: approved signals of the last seven
// days grouped by term.
func (s *Server) digestPage(c *fiber.Ctx) error {
	svc, err := s.snapshotService()
	if err != nil {
		return err
	}
	mp, err := s.missionPage(c, "digest")
	if err != nil {
		return err
	}
	defer mp.done()
	p := &digestPageView{page: *mp}
	ctx := c.UserContext()
	weeks, err := svc.SignalWeeks(ctx, p.Mission.Slug, s.now())
	if err != nil {
		return err
	}
	current := snapshot.WeekOf(mustDate(snapshot.Today(s.now(), p.Mission.Timezone)))
	// By default the latest week with approved signals, so that the page
	// opens on something to read; ?week= picks another.
	week := current
	if len(weeks) > 0 {
		week = weeks[0].Week
	}
	if v := c.Query("week"); v != "" {
		if week, err = snapshot.ParseWeek(v); err != nil {
			return err
		}
	}
	d, err := svc.DigestWeek(ctx, p.Mission.Slug, week)
	if err != nil {
		return err
	}
	dv := &digestView{Digest: d, First: p.isoDate(d.From, 0), Last: p.isoDate(d.To, -1), TotalText: p.Int(int64(d.Total)),
		Week: week.String()}
	dv.WeekText = p.T("digest.week", week.Num, week.Year)
	path := "/m/" + p.Mission.Slug + "/digest"
	dv.PrevLink = p.SnapLink(path, "week", week.Add(-1))
	if week.Before(current) {
		dv.NextLink = p.SnapLink(path, "week", week.Add(1))
	}
	dv.Weeks = p.weekOptions(weeks, current, week)
	for _, g := range d.Groups {
		dv.Groups = append(dv.Groups, digestGroupView{Scheme: p.schemeLabel(p.Mission, g.Scheme), Term: p.Label(g.Label),
			Count: g.Count, Signals: g.Signals})
	}
	p.Digest = dv
	p.NoRows = len(weeks) == 0 // no approved signal in any week
	p.Title = p.T("digest.title_week", week.Num, week.Year)
	return s.render(c, "digest", p)
}

// digestWeeksShown is how many recent weeks the digest's picker offers.
const digestWeeksShown = 12

// weekOptions are the picker's weeks: the current one and the 11 before
// it, each with its count of signals, and the shown week wherever it is.
func (p *page) weekOptions(weeks []snapshot.WeekCount, current, shown snapshot.Week) []filterOption {
	count := map[snapshot.Week]int{}
	for _, w := range weeks {
		count[w.Week] = w.Signals
	}
	var out []filterOption
	option := func(w snapshot.Week) filterOption {
		mon := w.Monday()
		return filterOption{Value: w.String(), Selected: w == shown, Label: p.T("digest.week_option", w.Num, w.Year,
			p.Date(mon), p.Date(mon.AddDate(0, 0, 6)), p.Count(count[w]))}
	}
	inList := false
	for i := 0; i < digestWeeksShown; i++ {
		w := current.Add(-i)
		inList = inList || w == shown
		out = append(out, option(w))
	}
	if !inList {
		out = append(out, option(shown))
	}
	return out
}

// mustDate reads a YYYY-MM-DD date that the code itself wrote.
func mustDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// apiDigest answers the weekly signal digest: approved signals of the last
// 7 days grouped by term, or of ISO week ?week=YYYY-Www.
func (s *Server) apiDigest(c *fiber.Ctx) error {
	if v := c.Query("week"); v != "" {
		w, err := snapshot.ParseWeek(v)
		if err != nil {
			return err
		}
		d, err := s.snapshots.DigestWeek(c.UserContext(), c.Params("slug"), w)
		if err != nil {
			return err
		}
		return c.JSON(d)
	}
	d, err := s.snapshots.Digest(c.UserContext(), c.Params("slug"), s.now())
	if err != nil {
		return err
	}
	return c.JSON(d)
}
