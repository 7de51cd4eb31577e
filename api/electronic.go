package api

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/httpx"
)

// sendElectronic sends the customer a link for an electronic callback
// (docs/electronic.md); the callback waits for their answers meanwhile.
func (a *API) sendElectronic(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.svc.SendElectronicLink(r.Context(), u, id)
	if err != nil {
		return err
	}
	links, err := a.svc.ElectronicLinks(r.Context(), u, id)
	if err != nil {
		return err
	}
	out := callbackJSON(c)
	out["electronic_links"] = links
	httpx.JSON(w, http.StatusOK, out)
	return nil
}
