# payload
