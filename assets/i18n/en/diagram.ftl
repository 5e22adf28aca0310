# diagram
