# traffic
