package indicator

// LegalForms are the legal-form suffixes of Chinese company names (a
// joint-stock company, a limited-liability company, and the short form of
// the latter), longest first. They are data: the form of the names insurers
// are registered under, as the rows of the tables carry them, not UI text.
// The dashboard drops them to keep chart labels short.
var LegalForms = []string{"股份有限公司", "有限责任公司", "有限公司"}
