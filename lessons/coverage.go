package lessons

// Coverage measures a course against the CKA curriculum: per domain and
// per competency, the exercises that train it and the quiz questions that
// ask about it, and each domain's share of the examined exercises next to
// its exam weight.
type Coverage struct {
	// Exercises and Questions count the whole course.
	Exercises, Questions int
	// Examined counts the exercises of examined domains (not background),
	// the base of each domain's Share.
	Examined int
	// Domains follows the order of Domains.
	Domains []DomainCoverage
}

// DomainCoverage is one CKA domain's part of a course.
type DomainCoverage struct {
	Domain Domain
	// Weight is the domain's exam weight in percent (0 for background).
	Weight int
	// Exercises lists the ids of the domain's exercises, in course order.
	Exercises []string
	Questions int
	// Share is the domain's percentage of the examined exercises (0 for
	// background, which the exam does not weigh).
	Share float64
	// Competencies follows the order of Competencies; a last entry with
	// an empty ID holds the domain's exercises and questions that name no
	// competency.
	Competencies []CompetencyCoverage
}

// CompetencyCoverage is one competency's part of a course.
type CompetencyCoverage struct {
	Competency
	Exercises []string
	Questions int
}

// CourseCoverage measures c. An exercise counts for its competency's
// domain (its own domain when it names none). A lesson's quiz questions
// count for the competency most of its exercises train (the first of
// them on a tie), or for the lesson's domain when none names one; a
// question that names its own competency counts for that one.
func CourseCoverage(c *Course) Coverage {
	var cov Coverage
	type key struct {
		domain Domain
		id     string
	}
	exercises := map[key][]string{}
	questions := map[key]int{}
	for _, l := range c.Lessons() {
		counts := map[string]int{}
		main := key{domain: l.Domain}
		for _, ex := range l.Exercises() {
			k := key{domain: ex.EffectiveDomain()}
			if comp, ok := CompetencyByID(ex.Competency); ok {
				k = key{comp.Domain, comp.ID}
				counts[comp.ID]++
				if counts[comp.ID] > counts[main.id] {
					main = k
				}
			}
			exercises[k] = append(exercises[k], ex.ID)
			cov.Exercises++
			if k.domain != DomainBackground {
				cov.Examined++
			}
		}
		if l.Quiz() != nil {
			for _, q := range l.Quiz().Questions {
				k := main
				if q != nil {
					if comp, ok := CompetencyByID(q.Competency); ok {
						k = key{comp.Domain, comp.ID}
					}
				}
				questions[k]++
			}
			cov.Questions += len(l.Quiz().Questions)
		}
	}
	for _, d := range Domains {
		dc := DomainCoverage{Domain: d, Weight: DomainWeights[d], Exercises: []string{}}
		add := func(cc CompetencyCoverage) {
			if cc.Exercises == nil {
				cc.Exercises = []string{}
			}
			dc.Exercises = append(dc.Exercises, cc.Exercises...)
			dc.Questions += cc.Questions
			dc.Competencies = append(dc.Competencies, cc)
		}
		for _, comp := range Competencies {
			if comp.Domain == d {
				k := key{d, comp.ID}
				add(CompetencyCoverage{Competency: comp, Exercises: exercises[k], Questions: questions[k]})
			}
		}
		if k := (key{domain: d}); len(exercises[k]) > 0 || questions[k] > 0 {
			add(CompetencyCoverage{Competency: Competency{Domain: d, Title: "no competency named"}, Exercises: exercises[k], Questions: questions[k]})
		}
		if dc.Weight > 0 && cov.Examined > 0 {
			dc.Share = 100 * float64(len(dc.Exercises)) / float64(cov.Examined)
		}
		cov.Domains = append(cov.Domains, dc)
	}
	return cov
}
