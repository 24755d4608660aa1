"""Live updates for open browser screens, fanned out across back-office processes."""
