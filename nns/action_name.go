package nns

import "reflect"

// Name is the name of the Action variant that is set ("" when none is).
func (a *Action) Name() string {
	v := reflect.ValueOf(a).Elem()
	for i := 0; i < v.NumField(); i++ {
		if f := v.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			return v.Type().Field(i).Name
		}
	}
	return ""
}
